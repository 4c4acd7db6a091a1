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

    private static PipelineEvent event(int retain) {
        return new PipelineEvent(retain, new SlotBufferPool(4, 1 << 20, 64 << 20));
    }

    @Test
    void aFrameLargerThanTheRetainedBufferBorrowsABufferAndTheSlotShrinksBack() {
        PipelineEvent e = event(4096);
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
        PipelineEvent e = event(1024).clientAppend(9, 77, 1000, false);
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

    @Test
    void aBorrowedBufferGoesBackToThePoolAndServesTheNextLargeEventWithoutAllocating() {
        SlotBufferPool pool = new SlotBufferPool(4, 1 << 20, 64 << 20);
        PipelineEvent a = new PipelineEvent(1024, pool);
        PipelineEvent b = new PipelineEvent(1024, pool);
        UnsafeBuffer big = bytes(50_000, 3);
        a.peerMessage(big, 0, big.capacity());
        org.agrona.DirectBuffer borrowed = a.buffer();
        assertThat(pool.size()).isZero();
        a.release();
        assertThat(pool.size()).isEqualTo(1);
        b.peerMessage(big, 0, 40_000);
        assertThat(b.buffer()).isSameAs(borrowed);
        assertThat(b.buffer().getByte(39_999)).isEqualTo(big.getByte(39_999));
        // re-using a slot for a small event also gives back what it borrowed
        b.control(EventKind.TICK);
        assertThat(pool.size()).isEqualTo(1);
    }

    @Test
    void aPipelinesPoolKeepsTheBufferOfTheLargestClientAppend() {
        // The largest append the default bounds allow: every payload of one, its bytes spread over them. Its
        // staged form (a length and the stored entry's header per payload) is larger than its payload bytes.
        PipelineConfig config = PipelineConfig.defaults();
        SlotBufferPool pool = SlotBufferPool.forPipeline(config);
        PipelineEvent e = new PipelineEvent(1024, pool);
        int count = config.maxEntriesPerAppend();
        UnsafeBuffer payload = bytes(config.maxAppendBytes() / count, 5);
        e.clientAppend(1, 7, 1, false).reservePayloads(count, (long) payload.capacity() * count);
        for (int i = 0; i < count; i++) {
            e.addPayload(payload, 0, payload.capacity());
        }
        e.release();
        assertThat(pool.size()).as("kept for the next large append, not dropped").isEqualTo(1);
    }

    @Test
    void thePoolCountsWhatQueuedEventsHoldThroughTheirGrowthAndBackToZero() {
        SlotBufferPool pool = new SlotBufferPool(4, 1 << 20, 64 << 20);
        PipelineEvent e = new PipelineEvent(1024, pool);
        e.clientAppend(1, 7, 1, false);
        UnsafeBuffer payload = bytes(3000, 1);
        for (int i = 0; i < 50; i++) {
            e.addPayload(payload, 0, payload.capacity()); // borrows once, then grows the borrowed buffer
        }
        assertThat(pool.lentBytes()).isEqualTo(e.buffer().capacity()).isGreaterThanOrEqualTo(50L * 3000);
        e.release();
        assertThat(pool.lentBytes()).isZero();
    }

    @Test
    void buffersThatGrewBeyondThePoolsLimitAreDroppedNotPinned() {
        SlotBufferPool pool = new SlotBufferPool(4, 64 * 1024, 64 << 20);
        PipelineEvent e = new PipelineEvent(1024, pool);
        UnsafeBuffer huge = bytes(200_000, 4);
        e.peerMessage(huge, 0, huge.capacity());
        e.release();
        assertThat(pool.size()).isZero();
    }

    @Test
    void thePoolKeepsAtMostItsBoundOfBuffers() {
        SlotBufferPool pool = new SlotBufferPool(2, 1 << 20, 64 << 20);
        PipelineEvent[] events = new PipelineEvent[5];
        UnsafeBuffer big = bytes(10_000, 5);
        for (int i = 0; i < events.length; i++) {
            events[i] = new PipelineEvent(1024, pool);
            events[i].peerMessage(big, 0, big.capacity());
        }
        for (PipelineEvent e : events) {
            e.release();
        }
        assertThat(pool.size()).isEqualTo(2);
    }

    @Test
    void reservingPayloadsUpFrontTakesOneBufferLargeEnoughForTheWholeBatch() {
        PipelineEvent e = event(1024).clientAppend(1, 2, 3, false);
        e.reservePayloads(100, 100 * 500);
        org.agrona.DirectBuffer reserved = e.buffer();
        assertThat(reserved.capacity()).isGreaterThanOrEqualTo(100 * (4 + DataEntry.HEADER_LENGTH + 500));
        for (int i = 0; i < 100; i++) {
            e.addPayload(bytes(500, i), 0, 500);
        }
        assertThat(e.buffer()).isSameAs(reserved);
        assertThat(e.count).isEqualTo(100);
    }

    @Test
    void aSlotTakesOverAStagedBatchsBorrowedBufferWithoutCopyingAndTheStagingEventIsReusable() {
        SlotBufferPool pool = new SlotBufferPool(4, 1 << 20, 64 << 20);
        PipelineEvent staged = new PipelineEvent(1024, pool).clientAppend(5, 6, 70, true);
        for (int i = 0; i < 20; i++) {
            staged.addPayload(bytes(500, i), 0, 500);
        }
        org.agrona.DirectBuffer batch = staged.buffer();
        int length = staged.length();
        PipelineEvent slot = new PipelineEvent(1024, pool);
        slot.takeFrom(staged);
        assertThat(slot.buffer()).isSameAs(batch);
        assertThat(slot.length()).isEqualTo(length);
        assertThat(slot.kind()).isEqualTo(EventKind.CLIENT_APPEND);
        assertThat(slot.connectionId).isEqualTo(5);
        assertThat(slot.clientId).isEqualTo(6);
        assertThat(slot.firstSequence).isEqualTo(70);
        assertThat(slot.count).isEqualTo(20);
        assertThat(slot.resend).isTrue();
        assertThat(staged.kind()).isEqualTo(EventKind.NONE);
        assertThat(staged.buffer()).isNotSameAs(batch);
        assertThat(staged.buffer().capacity()).isLessThanOrEqualTo(1024);
        slot.release();
        assertThat(pool.size()).as("the batch buffer went back to the pool").isEqualTo(1);
    }

    @Test
    void aSmallStagedAppendIsCopiedIntoTheSlotsOwnBuffer() {
        SlotBufferPool pool = new SlotBufferPool(4, 1 << 20, 64 << 20);
        PipelineEvent staged = new PipelineEvent(1024, pool).clientAppend(1, 2, 3, false);
        staged.addPayload(bytes(100, 9), 0, 100);
        PipelineEvent slot = new PipelineEvent(1024, pool);
        slot.takeFrom(staged);
        assertThat(slot.buffer()).isNotSameAs(staged.buffer());
        assertThat(slot.length()).isEqualTo(4 + DataEntry.HEADER_LENGTH + 100);
        assertThat(slot.buffer().getByte(4 + DataEntry.HEADER_LENGTH + 99)).isEqualTo(bytes(100, 9).getByte(99));
        assertThat(pool.size()).isZero();
    }

    @Test
    void aPeerFrameCopiedIntoAPooledBufferBeforeClaimingIsAdoptedBySlotAndReturnedOnRelease() {
        SlotBufferPool pool = new SlotBufferPool(4, 1 << 20, 64 << 20);
        org.agrona.ExpandableArrayBuffer copy = pool.acquire(30_000);
        copy.putBytes(0, bytes(30_000, 7), 0, 30_000);
        PipelineEvent slot = new PipelineEvent(1024, pool);
        slot.peerMessage(copy, 30_000);
        assertThat(slot.kind()).isEqualTo(EventKind.PEER_MESSAGE);
        assertThat(slot.buffer()).isSameAs(copy);
        slot.release();
        assertThat(pool.size()).isEqualTo(1);
    }

    @Test
    void thePoolKeepsNoMoreBytesThanItsBudget() {
        SlotBufferPool pool = new SlotBufferPool(100, 1 << 20, 100_000);
        PipelineEvent[] events = new PipelineEvent[5];
        UnsafeBuffer big = bytes(40_000, 6);
        for (int i = 0; i < events.length; i++) {
            events[i] = new PipelineEvent(1024, pool);
            events[i].peerMessage(big, 0, big.capacity());
        }
        for (PipelineEvent e : events) {
            e.release();
        }
        assertThat(pool.size()).isEqualTo(2);
        assertThat(pool.pooledBytes()).isLessThanOrEqualTo(100_000);
        new PipelineEvent(1024, pool).peerMessage(big, 0, big.capacity());
        assertThat(pool.size()).isEqualTo(1);
        assertThat(pool.pooledBytes()).isLessThanOrEqualTo(50_000);
    }
}
