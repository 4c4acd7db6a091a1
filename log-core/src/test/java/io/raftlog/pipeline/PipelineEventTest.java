package io.raftlog.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class PipelineEventTest {

    private static UnsafeBuffer bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return new UnsafeBuffer(b);
    }

    @Test
    void aFrameLargerThanTheRetainedBufferGetsAOneOffBufferAndTheSlotShrinksBack() {
        PipelineEvent e = new PipelineEvent(4096);
        UnsafeBuffer big = bytes(100_000, 1);
        e.peerMessage(big, 0, big.capacity());
        assertThat(e.length()).isEqualTo(100_000);
        for (int i = 0; i < 100_000; i += 997) {
            assertThat(e.buffer().getByte(i)).isEqualTo(big.getByte(i));
        }
        e.release();
        UnsafeBuffer small = bytes(100, 2);
        e.peerMessage(small, 0, 100);
        assertThat(e.buffer().capacity()).isLessThanOrEqualTo(8192);
        assertThat(e.buffer().getByte(99)).isEqualTo(small.getByte(99));
    }

    @Test
    void clientPayloadsAreLaidOutAsStoredDataEntriesEvenWhenTheyOutgrowTheSlot() {
        PipelineEvent e = new PipelineEvent(1024).clientAppend(9, 77, 1000);
        for (int i = 0; i < 5; i++) {
            e.addPayload(bytes(700, i), 0, 700);
        }
        assertThat(e.count).isEqualTo(5);
        int pos = 0;
        for (int i = 0; i < 5; i++) {
            int len = e.buffer().getInt(pos, ByteOrder.LITTLE_ENDIAN);
            assertThat(len).isEqualTo(DataEntry.HEADER_LENGTH + 700);
            assertThat(e.buffer().getLong(pos + 4 + DataEntry.CLIENT_ID_OFFSET, ByteOrder.LITTLE_ENDIAN)).isEqualTo(77);
            assertThat(e.buffer().getLong(pos + 4 + DataEntry.SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN)).isEqualTo(1000 + i);
            assertThat(e.buffer().getByte(pos + 4 + DataEntry.HEADER_LENGTH + 699)).isEqualTo(bytes(700, i).getByte(699));
            pos += 4 + len;
        }
        assertThat(e.length()).isEqualTo(pos);
    }
}
