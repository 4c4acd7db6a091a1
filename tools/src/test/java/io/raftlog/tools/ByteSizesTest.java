package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

    @Test
    void plainNumbersAndUnitsOf1024() {
        assertThat(ByteSizes.parse("500000", "--x")).isEqualTo(500_000);
        assertThat(ByteSizes.parse("64B", "--x")).isEqualTo(64);
        assertThat(ByteSizes.parse("4kb", "--x")).isEqualTo(4096);
        assertThat(ByteSizes.parse("512MB", "--x")).isEqualTo(512L << 20);
        assertThat(ByteSizes.parse(" 10GB ", "--x")).isEqualTo(10L << 30);
        assertThat(ByteSizes.parse("2TB", "--x")).isEqualTo(2L << 40);
    }

    @Test
    void anythingElseNamesTheOptionAndTheFormsItTakes() {
        assertThatThrownBy(() -> ByteSizes.parse("ten gigs", "--retention-bytes"))
            .hasMessage("--retention-bytes: bad size 'ten gigs': expected e.g. 500000, 512MB, 10GB or 2TB");
        assertThatThrownBy(() -> ByteSizes.parse("0GB", "--retention-bytes")).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> ByteSizes.parse("9000000TB", "--retention-bytes")).hasMessageContaining("below 8 EB");
        assertThatThrownBy(() -> ByteSizes.parse("", "--retention-bytes")).hasMessageContaining("bad size ''");
    }
}
