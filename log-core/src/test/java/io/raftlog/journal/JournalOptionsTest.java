package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JournalOptionsTest {

    @Test
    void aSetterReturnsAChangedCopyAndLeavesTheOriginalAsItWas() {
        JournalOptions defaults = JournalOptions.defaults();
        JournalOptions changed = defaults.stagingBytes(4096).pretouchAheadBytes(0);

        assertThat(changed.stagingBytes).isEqualTo(4096);
        assertThat(changed.pretouchAheadBytes).isZero();
        assertThat(defaults.stagingBytes).isEqualTo(JournalOptions.DEFAULT_STAGING_BYTES);
        assertThat(defaults.pretouchAheadBytes).isEqualTo(JournalOptions.defaults().pretouchAheadBytes);
    }

    @Test
    void aNegativeSizeIsRefusedWithTheNameOfWhatItSizes() {
        JournalOptions o = JournalOptions.defaults();

        assertThatThrownBy(() -> o.pretouchAheadBytes(-1))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("pretouch distance must be >= 0, got -1");
        assertThatThrownBy(() -> o.populateAheadBytes(-4096))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("populate distance must be >= 0, got -4096");
        assertThatThrownBy(() -> o.fileWriteMinBytes(-2))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("smallest document written through the file must be >= 0, got -2");
        assertThatThrownBy(() -> o.fileReadMinBytes(-3))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("smallest document read from the file must be >= 0, got -3");
    }

    @Test
    void sizesOutsideTheirRangeAreRefused() {
        JournalOptions o = JournalOptions.defaults();

        assertThatThrownBy(() -> o.recentRecordBytes(-1)).hasMessageContaining("recent record bytes -1");
        assertThatThrownBy(() -> o.stagingBytes(RecordFormat.HEADER_LENGTH - 1)).hasMessageContaining("staging bytes");
        assertThatThrownBy(() -> o.tailFileBytes(4095)).hasMessageContaining("tail file bytes 4095 below 4096");
        assertThat(o.stagingBytes(RecordFormat.HEADER_LENGTH).stagingBytes).isEqualTo(RecordFormat.HEADER_LENGTH);
        assertThat(o.pretouchAheadBytes(0).pretouchAheadBytes).isZero();
        assertThatThrownBy(() -> o.backgroundNice(20))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("background nice increment must be in 0..19, got 20");
        assertThatThrownBy(() -> o.backgroundNice(-1)).hasMessageContaining("got -1");
        assertThat(o.backgroundNice(0).backgroundNice).isZero();
        assertThat(o.backgroundNice).isEqualTo(JournalOptions.DEFAULT_BACKGROUND_NICE);
    }

    /** A bad handoff size from the command line fails when the options are made, naming the property, not mid-open. */
    @Test
    void aTailHandoffSizePropertyThatIsNoPowerOfTwoIsRefusedNamingTheProperty() {
        String property = "raftlog.journal.tailHandoffKiB";
        try {
            for (String bad : new String[] {"3000", "-4", "2097152"}) {
                System.setProperty(property, bad);
                assertThatThrownBy(JournalOptions::defaults).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(property).hasMessageContaining("got " + bad);
            }
            System.setProperty(property, "0");
            assertThat(JournalOptions.defaults().tailHandoffBytes).isZero();
            System.setProperty(property, "64");
            assertThat(JournalOptions.defaults().tailHandoffBytes).isEqualTo(64 * 1024);
        } finally {
            System.clearProperty(property);
        }
        assertThat(JournalOptions.defaults().tailHandoffBytes).isEqualTo(JournalOptions.DEFAULT_TAIL_HANDOFF_BYTES);
    }
}
