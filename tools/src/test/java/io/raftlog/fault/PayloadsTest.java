package io.raftlog.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PayloadsTest {

    @Test
    void encodedPayloadsDecodeToTheirKey() {
        for (int pad : new int[] {0, 1, 100, 3000}) {
            assertThat(Payloads.decode(Payloads.encode(Payloads.key(3, 12345), pad))).isEqualTo("p3-c12345");
        }
    }

    @Test
    void corruptedTruncatedOrForeignBytesDoNotDecode() {
        byte[] ok = Payloads.encode("p1-c7", 40);
        byte[] flipped = ok.clone();
        flipped[20] ^= 0x20;
        assertThat(Payloads.decode(flipped)).isNull();
        assertThat(Payloads.decode(Arrays.copyOf(ok, 3))).isNull();
        assertThat(Payloads.decode("hello|world".getBytes())).isNull();
        assertThat(Payloads.decode(new byte[0])).isNull();
    }

    @Test
    void aPayloadCutAnywhereOrExtendedDoesNotDecode() {
        // The padding pattern alone matches any prefix of itself: only the stated length shows these cuts.
        for (int pad : new int[] {0, 1, 40}) {
            byte[] ok = Payloads.encode("p1-c7", pad);
            for (int len = 0; len < ok.length; len++) {
                assertThat(Payloads.decode(Arrays.copyOf(ok, len))).as("cut to %d of %d bytes", len, ok.length).isNull();
            }
            // One more byte that continues the pattern, as a longer payload of the same key would have.
            byte[] longer = Payloads.encode("p1-c7", pad + 1);
            byte[] extended = Arrays.copyOf(ok, ok.length + 1);
            extended[ok.length] = longer[longer.length - 1];
            assertThat(Payloads.decode(extended)).as("extended by one pattern byte").isNull();
        }
    }
}
