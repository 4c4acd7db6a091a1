package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.raftlog.raft.EntryType;

/**
 * {@link TailHandoff} on its own: what a flush takes from the writer's messages, and what it must read from the
 * journal instead (gaps, older epochs, records it already has).
 */
class TailHandoffTest {

    /** What a drain handed on: "j:FROM-TO" for reads from the journal, "r:INDEX:TERM" for records. */
    private final List<String> handed = new ArrayList<>();
    private final TailHandoff.Sink sink = new TailHandoff.Sink() {
        @Override
        public void copyFromJournal(long from, long to) {
            handed.add("j:" + from + "-" + to);
        }

        @Override
        public void appendRecord(DirectBuffer buffer, int at, int length) {
            long index = buffer.getLong(at + RecordFormat.INDEX_OFFSET);
            long term = buffer.getLong(at + RecordFormat.TERM_OFFSET);
            assertThat(length).isEqualTo(RecordFormat.HEADER_LENGTH + buffer.getInt(at + RecordFormat.LENGTH_OFFSET));
            assertThat(buffer.getByte(at + RecordFormat.HEADER_LENGTH)).as("first payload byte of %d", index).isEqualTo((byte) index);
            handed.add("r:" + index + ":" + term);
        }
    };

    /** Records of entries {@code from..to} (term {@code term}, payloads of 1 + index % 7 bytes) back to back. */
    private static UnsafeBuffer records(long from, long to, long term) {
        UnsafeBuffer buf = new UnsafeBuffer(new byte[4096]);
        UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
        CRC32C crc = new CRC32C();
        int at = 0;
        for (long i = from; i <= to; i++) {
            int length = 1 + (int) (i % 7);
            payload.setMemory(0, length, (byte) i);
            at += RecordFormat.encode(crc, buf, at, EntryType.DATA, i, term, payload, 0, length);
        }
        return new UnsafeBuffer(buf, 0, at);
    }

    private static void offer(TailHandoff h, long epoch, long from, long to, long term) {
        UnsafeBuffer r = records(from, to, term);
        assertThat(h.offer(epoch, from, (int) (to - from + 1), r, 0, r.capacity())).isTrue();
    }

    @Test
    void recordsThatContinueTheTailAreHandedOnInOrderAndConsumed() {
        TailHandoff h = new TailHandoff(64 * 1024);
        offer(h, 0, 5, 7, 1);
        offer(h, 0, 8, 9, 2);
        assertThat(h.drain(5, Long.MAX_VALUE, 0, sink)).isEqualTo(10);
        assertThat(handed).containsExactly("r:5:1", "r:6:1", "r:7:1", "r:8:2", "r:9:2");
        handed.clear();
        assertThat(h.drain(10, Long.MAX_VALUE, 0, sink)).as("nothing left").isEqualTo(10);
        assertThat(handed).isEmpty();
        assertThat(h.offered()).isEqualTo(2);
    }

    @Test
    void recordsTheTailAlreadyHoldsAreSkippedAndAGapIsReadFromTheJournal() {
        TailHandoff h = new TailHandoff(64 * 1024);
        offer(h, 0, 1, 4, 1);   // the tail holds up to 2 already
        offer(h, 0, 8, 9, 1);   // 5..7 were written alone, never offered
        assertThat(h.drain(3, Long.MAX_VALUE, 0, sink)).isEqualTo(10);
        assertThat(handed).containsExactly("r:3:1", "r:4:1", "j:5-7", "r:8:1", "r:9:1");
    }

    @Test
    void messagesOfAnOlderEpochAreDroppedAndWhatTheyCarriedComesFromTheJournal() {
        TailHandoff h = new TailHandoff(64 * 1024);
        offer(h, 3, 1, 6, 1);   // then entries after 3 were truncated away: epoch 4
        offer(h, 4, 4, 5, 2);
        assertThat(h.drain(1, Long.MAX_VALUE, 4, sink)).isEqualTo(6);
        assertThat(handed).containsExactly("j:1-3", "r:4:2", "r:5:2");
    }

    @Test
    void aFullRingOrAnOversizedDocumentIsRefusedAndCounted() {
        TailHandoff h = new TailHandoff(1024);
        UnsafeBuffer r = records(1, 40, 1);
        assertThat(r.capacity()).isGreaterThan(1024);
        assertThat(h.offer(0, 1, 40, r, 0, r.capacity())).as("larger than a message may be").isFalse();
        int offered = 0;
        while (offerOne(h, 1 + offered)) {
            offered++;
        }
        assertThat(offered).as("some fit before the ring was full").isPositive();
        assertThat(h.refused()).isEqualTo(2);
        assertThat(h.drain(1, Long.MAX_VALUE, 0, sink)).isEqualTo(1 + offered);
        assertThat(offerOne(h, 1 + offered)).as("room again once drained").isTrue();
    }

    @Test
    void aFlushStopsBeforeAMessageThatStartsPastWhatItWasAskedFor() {
        TailHandoff h = new TailHandoff(64 * 1024);
        offer(h, 0, 1, 3, 1);
        offer(h, 0, 4, 6, 1);
        offer(h, 0, 7, 9, 1);
        assertThat(h.drain(1, 5, 0, sink)).as("4..6 starts within, so all of it").isEqualTo(7);
        assertThat(handed).hasSize(6);
        handed.clear();
        assertThat(h.drain(7, Long.MAX_VALUE, 0, sink)).as("7..9 was kept for the next flush").isEqualTo(10);
        assertThat(handed).containsExactly("r:7:1", "r:8:1", "r:9:1");
    }

    /** Round and round a small ring: at every wrap the ring pads its end, and a drain must read past the padding. */
    @Test
    void everyMessageIsTakenAlsoWhereTheRingWrapsAround() {
        TailHandoff h = new TailHandoff(1024);
        long next = 1;
        for (long i = 1; i <= 500; i++) {
            assertThat(offerOne(h, i)).as("offer of %d", i).isTrue();
            if (i % 3 == 0) {
                next = h.drain(next, Long.MAX_VALUE, 0, sink);
                assertThat(next).as("drained through %d", i).isEqualTo(i + 1);
            }
        }
        assertThat(handed).as("nothing read from the journal").noneMatch(x -> x.startsWith("j:")).hasSize(498);
    }

    /**
     * A sink that fails (a tail file's write) leaves the messages read so far consumed; the flush is retried from
     * what the tail files hold, and what those messages carried comes from the journal.
     */
    @Test
    void afterASinkFailedTheNextDrainReadsWhatItLostFromTheJournal() {
        TailHandoff h = new TailHandoff(64 * 1024);
        offer(h, 0, 1, 3, 1);
        offer(h, 0, 4, 5, 1);
        TailHandoff.Sink failing = new TailHandoff.Sink() {
            @Override
            public void copyFromJournal(long from, long to) {
                sink.copyFromJournal(from, to);
            }

            @Override
            public void appendRecord(DirectBuffer buffer, int at, int length) {
                if (buffer.getLong(at + RecordFormat.INDEX_OFFSET) == 2) {
                    throw new IllegalStateException("write failed");
                }
                sink.appendRecord(buffer, at, length);
            }
        };
        assertThatThrownBy(() -> h.drain(1, Long.MAX_VALUE, 0, failing)).hasMessage("write failed");
        offer(h, 0, 6, 6, 1);
        handed.clear();
        assertThat(h.drain(1, Long.MAX_VALUE, 0, sink)).isEqualTo(7);
        assertThat(handed).as("the failed message's 1..3 from the journal, then the rest from messages")
            .containsExactly("j:1-3", "r:4:1", "r:5:1", "r:6:1");
    }

    private static boolean offerOne(TailHandoff h, long index) {
        UnsafeBuffer r = records(index, index, 1);
        return h.offer(0, index, 1, r, 0, r.capacity());
    }

    @Test
    void aMessageThatDoesNotHoldTheEntriesItNamesIsRefusedLoudly() {
        TailHandoff h = new TailHandoff(64 * 1024);
        UnsafeBuffer r = records(5, 6, 1);
        assertThat(h.offer(0, 4, 2, r, 0, r.capacity())).isTrue(); // claims to start at 4
        assertThatThrownBy(() -> h.drain(4, Long.MAX_VALUE, 0, sink)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("does not hold entry 4");
    }

    @Test
    void aCapacityThatIsNotAPowerOfTwoIsRefused() {
        assertThatThrownBy(() -> new TailHandoff(3000)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("3000");
        assertThatThrownBy(() -> JournalOptions.defaults().tailHandoffBytes(512)).isInstanceOf(IllegalArgumentException.class);
    }
}
