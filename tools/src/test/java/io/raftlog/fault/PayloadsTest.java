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
}
