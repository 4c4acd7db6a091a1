package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.raftlog.raft.EntryType;

/**
 * What every {@link Journal} must do. Subclasses supply the journal and a reopen (a clean restart); the
 * in-memory journal and the Chronicle journal run the same tests, which is what lets the simulator stand in
 * for the real log.
 */
abstract class JournalContractTest {

    protected Journal journal;

    protected abstract Journal open();

    /** A clean restart: close and open again on the same storage (the in-memory one keeps its state). */
    protected abstract Journal reopen(Journal j);

    @AfterEach
    void closeJournal() {
        if (journal != null) {
            journal.close();
        }
    }

    private void fill(long from, long to, long term, long salt) {
        for (long i = from; i <= to; i++) {
            Entries.append(journal, i, term, salt);
        }
    }

    private void assertHolds(long from, long to, long term, long salt) {
        List<Entries.Read> reads = Entries.readAll(journal);
        for (Entries.Read r : reads) {
            if (r.index() >= from && r.index() <= to) {
                assertThat(r.term()).as("term of %d", r.index()).isEqualTo(term);
                assertThat(r.payload()).as("payload of %d", r.index()).isEqualTo(Entries.payload(r.index(), salt));
                assertThat(r.type()).isEqualTo(Entries.typeOf(r.index()));
                assertThat(journal.termAt(r.index())).isEqualTo(term);
            }
        }
    }

    @Test
    void anEmptyJournalStartsAtOneAndHoldsNothing() {
        journal = open();
        assertThat(journal.firstIndex()).isEqualTo(1);
        assertThat(journal.lastIndex()).isEqualTo(0);
        assertThat(journal.termAt(0)).isEqualTo(0);
        assertThat(journal.read(1, 10, 1000, (i, t, ty, b, o, l) -> true)).isZero();
        assertThat(journal.countWithin(1, 10, 1000)).isZero();
        journal = reopen(journal);
        assertThat(journal.lastIndex()).isEqualTo(0);
    }

    @Test
    void appendedEntriesReadBackExactlyBeforeAndAfterReopen() {
        journal = open();
        fill(1, 50, 1, 0);
        fill(51, 120, 2, 0);
        assertThat(journal.lastIndex()).isEqualTo(120);
        assertHolds(1, 50, 1, 0);
        assertHolds(51, 120, 2, 0);
        journal = reopen(journal);
        assertThat(journal.firstIndex()).isEqualTo(1);
        assertThat(journal.lastIndex()).isEqualTo(120);
        assertHolds(1, 50, 1, 0);
        assertHolds(51, 120, 2, 0);
        assertThat(Entries.readAll(journal)).hasSize(120);
    }

    @Test
    void appendRejectsAGapARepeatAndALowerTerm() {
        journal = open();
        fill(1, 3, 2, 0);
        UnsafeBuffer b = new UnsafeBuffer(new byte[4]);
        assertThatThrownBy(() -> journal.append(5, 2, EntryType.DATA, b, 0, 4)).hasMessageContaining("5");
        assertThatThrownBy(() -> journal.append(3, 2, EntryType.DATA, b, 0, 4)).hasMessageContaining("3");
        assertThatThrownBy(() -> journal.append(4, 1, EntryType.DATA, b, 0, 4)).hasMessageContaining("term");
        assertThatThrownBy(() -> journal.append(4, 2, (byte) 9, b, 0, 4)).hasMessageContaining("type");
        assertThat(journal.lastIndex()).isEqualTo(3);
    }

    @Test
    void termAtAnswersIndexZeroAndRejectsBeyondTheEnd() {
        journal = open();
        fill(1, 5, 3, 0);
        assertThat(journal.termAt(0)).isZero();
        assertThat(journal.termAt(5)).isEqualTo(3);
        assertThatThrownBy(() -> journal.termAt(6)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void truncateThenAppendReplacesTheSuffixAndSurvivesReopen() {
        journal = open();
        fill(1, 40, 1, 0);
        journal.truncateAfter(25);
        assertThat(journal.lastIndex()).isEqualTo(25);
        journal = reopen(journal);
        assertThat(journal.lastIndex()).isEqualTo(25);
        fill(26, 60, 2, 1);
        assertHolds(1, 25, 1, 0);
        assertHolds(26, 60, 2, 1);
        journal = reopen(journal);
        assertThat(journal.lastIndex()).isEqualTo(60);
        assertHolds(1, 25, 1, 0);
        assertHolds(26, 60, 2, 1);
        assertThat(journal.termAt(25)).isEqualTo(1);
        assertThat(journal.termAt(26)).isEqualTo(2);
    }

    @Test
    void truncateToEmptyThenStartAgain() {
        journal = open();
        fill(1, 10, 1, 0);
        journal.truncateAfter(0);
        assertThat(journal.lastIndex()).isEqualTo(0);
        journal = reopen(journal);
        assertThat(journal.lastIndex()).isEqualTo(0);
        fill(1, 5, 4, 2);
        journal = reopen(journal);
        assertHolds(1, 5, 4, 2);
        assertThat(journal.lastIndex()).isEqualTo(5);
    }

    @Test
    void truncateAtOrBeyondTheEndChangesNothing() {
        journal = open();
        fill(1, 5, 1, 0);
        journal.truncateAfter(5);
        journal.truncateAfter(9);
        assertThat(journal.lastIndex()).isEqualTo(5);
    }

    @Test
    void repeatedTruncationsKeepOnlyTheLatestHistory() {
        journal = open();
        fill(1, 30, 1, 0);
        journal.truncateAfter(20);
        fill(21, 40, 2, 1);
        journal.truncateAfter(10);
        fill(11, 15, 3, 2);
        journal = reopen(journal);
        assertThat(journal.lastIndex()).isEqualTo(15);
        assertHolds(1, 10, 1, 0);
        assertHolds(11, 15, 3, 2);
    }

    @Test
    void readStopsAtMaxCountAtMaxBytesAndWhenTheConsumerSaysSo() {
        journal = open();
        fill(1, 20, 1, 0);
        assertThat(journal.read(1, 5, Long.MAX_VALUE, (i, t, ty, b, o, l) -> true)).isEqualTo(5);
        long firstTwo = Entries.payload(3, 0).length + Entries.payload(4, 0).length;
        assertThat(journal.read(3, 100, firstTwo, (i, t, ty, b, o, l) -> true)).isEqualTo(2);
        assertThat(journal.countWithin(3, 100, firstTwo)).isEqualTo(2);
        // the first entry always moves, however small the budget
        assertThat(journal.read(3, 100, 0, (i, t, ty, b, o, l) -> true)).isEqualTo(1);
        assertThat(journal.countWithin(3, 100, 0)).isEqualTo(1);
        assertThat(journal.read(1, 100, Long.MAX_VALUE, (i, t, ty, b, o, l) -> i < 7)).isEqualTo(7);
        assertThat(journal.read(21, 10, 100, (i, t, ty, b, o, l) -> true)).isZero();
        assertThat(journal.countWithin(18, 10, Long.MAX_VALUE)).isEqualTo(3);
    }

    @Test
    void appendedBytesCountsEveryPayloadAppendedAndATruncationDoesNotLowerIt() {
        journal = open();
        UnsafeBuffer payload = new UnsafeBuffer(new byte[300]);
        journal.append(1, 1, EntryType.DATA, payload, 0, 100);
        journal.append(2, 1, EntryType.DATA, payload, 0, 300);
        assertThat(journal.appendedBytes()).isEqualTo(400);

        journal.truncateAfter(1);
        journal.append(2, 2, EntryType.DATA, payload, 0, 7);
        assertThat(journal.appendedBytes()).as("a difference of two readings is what was appended between them")
            .isEqualTo(407);
    }

    @Test
    void flushReportsTheDurableIndexAndTruncationLowersIt() {
        journal = open();
        fill(1, 10, 1, 0);
        journal.writePending(); // flush makes durable what was written
        assertThat(journal.flush()).isEqualTo(10);
        assertThat(journal.durableIndex()).isEqualTo(10);
        journal.truncateAfter(6);
        assertThat(journal.durableIndex()).isLessThanOrEqualTo(6);
        fill(7, 8, 2, 1);
        journal.writePending();
        assertThat(journal.flush()).isEqualTo(8);
    }

    @Test
    void aReaderOnAnotherThreadReadsUpToTheBoundItIsGiven() throws Exception {
        journal = open();
        fill(1, 50, 1, 0);
        journal.writePending(); // other threads read what was written
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try (JournalReader r = journal.newReader()) {
                Entries.Collector c = new Entries.Collector();
                int n = r.read(10, 30, 1000, Long.MAX_VALUE, c);
                result.set(n == 21 && c.reads.get(0).index() == 10 && c.reads.get(20).index() == 30
                    && java.util.Arrays.equals(c.reads.get(5).payload(), Entries.payload(15, 0)) ? "ok" : "read " + n);
            } catch (Throwable e) {
                result.set(e);
            }
        });
        t.start();
        t.join(30_000);
        assertThat(result.get()).isEqualTo("ok");
    }

    @Test
    void compactionNeverMovesTheFirstIndexAboveWhatWasAskedAndReadsBelowItFailClearly() {
        journal = open();
        fill(1, 30, 1, 0);
        journal.compactBefore(20);
        long first = journal.firstIndex();
        assertThat(first).isBetween(1L, 20L);
        assertThat(journal.termAt(first - 1)).isEqualTo(first == 1 ? 0 : 1);
        assertHolds(first, 30, 1, 0);
        if (first > 1) {
            assertThatThrownBy(() -> journal.read(first - 1, 1, 100, (i, t, ty, b, o, l) -> true))
                .isInstanceOf(CompactedException.class).hasMessageContaining("compacted");
        }
        fill(31, 35, 2, 0);
        assertThat(journal.lastIndex()).isEqualTo(35);
    }

    @Test
    void aSnapshotBeyondTheLogEmptiesItDurablyAndTheLogContinuesAfterIt() {
        journal = open();
        fill(1, 10, 1, 0);
        journal.installSnapshot(50, 3);
        assertThat(journal.firstIndex()).isEqualTo(51);
        assertThat(journal.lastIndex()).isEqualTo(50);
        assertThat(journal.termAt(50)).isEqualTo(3);
        assertThat(journal.durableIndex()).isEqualTo(50);
        assertThatThrownBy(() -> journal.read(10, 1, 100, (i, t, ty, b, o, l) -> true))
            .isInstanceOf(CompactedException.class);
        fill(51, 55, 3, 7);
        journal = reopen(journal);
        assertThat(journal.firstIndex()).isEqualTo(51);
        assertThat(journal.lastIndex()).isEqualTo(55);
        assertThat(journal.termAt(50)).isEqualTo(3);
        assertHolds(51, 55, 3, 7);
        assertThat(Entries.readAll(journal)).hasSize(5);
    }

    @Test
    void aSnapshotInsideTheLogDropsTheEntriesAfterItToo() {
        journal = open();
        fill(1, 30, 1, 0);
        journal.installSnapshot(20, 2); // the log holds 20 in term 1: it conflicts, so all of it goes
        assertThat(journal.firstIndex()).isEqualTo(21);
        assertThat(journal.lastIndex()).isEqualTo(20);
        assertThat(journal.countWithin(21, 10, 1000)).isZero();
        fill(21, 25, 2, 9);
        journal = reopen(journal);
        assertThat(journal.firstIndex()).isEqualTo(21);
        assertThat(journal.lastIndex()).isEqualTo(25);
        assertThat(journal.termAt(20)).isEqualTo(2);
        assertHolds(21, 25, 2, 9);
        assertThat(Entries.readAll(journal)).hasSize(5);
    }
}
