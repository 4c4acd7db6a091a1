package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.raftlog.raft.EntryType;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

/**
 * The writer's reads served from its recent records: where the ring ends and the files begin, a ring that
 * wraps, records too large for it, truncation, compaction and reopening; and the one-piece copy into the
 * mapped file across Chronicle's chunk boundaries. Every read is compared with what was written, and the
 * test knows for each entry whether it came from the ring (the buffer handed out is the ring itself).
 */
class ChronicleJournalRecentRecordsTest {

    @TempDir
    Path dir;

    private ChronicleJournal journal;

    @AfterEach
    void close() {
        if (journal != null) {
            journal.close();
        }
    }

    private ChronicleJournal open(int recentRecordBytes) {
        return ChronicleJournal.open(dir.resolve("journal"), FsyncPolicy.NONE,
            JournalOptions.defaults().recentRecordBytes(recentRecordBytes));
    }

    /** An entry read back, and whether it came from the ring. */
    private record Got(long index, long term, byte type, byte[] payload, boolean fromRing) {
    }

    private List<Got> read(long from, int maxCount, long maxBytes) {
        List<Got> got = new ArrayList<>();
        DirectBuffer ring = journal.recentRecords().buffer();
        journal.read(from, maxCount, maxBytes, (i, t, ty, b, o, l) -> {
            byte[] copy = new byte[l];
            b.getBytes(o, copy);
            got.add(new Got(i, t, ty, copy, b == ring));
            return true;
        });
        return got;
    }

    private void assertEntries(List<Got> got, long from, long term, long salt) {
        for (int k = 0; k < got.size(); k++) {
            Got g = got.get(k);
            assertThat(g.index()).isEqualTo(from + k);
            assertThat(g.term()).as("term of %d", g.index()).isEqualTo(term);
            assertThat(g.type()).as("type of %d", g.index()).isEqualTo(Entries.typeOf(g.index()));
            assertThat(g.payload()).as("payload of %d", g.index()).isEqualTo(Entries.payload(g.index(), salt));
        }
    }

    private static void append(Journal j, long index, long term, int length) {
        byte[] p = new byte[length];
        for (int i = 0; i < length; i++) {
            p[i] = (byte) (index * 13 + i);
        }
        j.append(index, term, EntryType.DATA, new UnsafeBuffer(p), 0, length);
    }

    @Test
    void readsCrossFromTheFilesIntoTheRingWithTheSameLimitsAsBefore() {
        journal = open(4096);
        for (long i = 1; i <= 200; i++) {
            Entries.append(journal, i, 1, 0);
        }
        RecentRecords recent = journal.recentRecords();
        long firstHeld = recent.first();
        assertThat(recent.last()).isEqualTo(200);
        assertThat(firstHeld).as("a 4 KiB ring holds only the last few entries").isBetween(150L, 200L);

        List<Got> all = read(1, 1000, Long.MAX_VALUE);
        assertThat(all).hasSize(200);
        assertEntries(all, 1, 1, 0);
        for (Got g : all) {
            assertThat(g.fromRing()).as("entry %d from the ring", g.index()).isEqualTo(g.index() >= firstHeld);
        }

        // a read starting just below the ring: the files, then the ring, one call
        List<Got> across = read(firstHeld - 2, 5, Long.MAX_VALUE);
        assertEntries(across, firstHeld - 2, 1, 0);
        assertThat(across).extracting(Got::fromRing).containsExactly(false, false, true, true, true);

        // the byte limit counts the files' part and the ring's part together
        long budget = 0;
        for (long i = firstHeld - 2; i <= firstHeld; i++) {
            budget += Entries.payload(i, 0).length;
        }
        assertThat(read(firstHeld - 2, 100, budget)).hasSize(3);
        assertThat(journal.countWithin(firstHeld - 2, 100, budget)).isEqualTo(3);
        assertThat(read(firstHeld - 2, 100, budget - 1)).hasSize(2);
        assertThat(journal.countWithin(firstHeld - 2, 100, budget - 1)).isEqualTo(2);
        assertThat(journal.countWithin(firstHeld, 100, 0)).isEqualTo(1);
        assertThat(journal.countWithin(firstHeld - 2, 3, Long.MAX_VALUE)).isEqualTo(3);
        assertThat(journal.countWithin(firstHeld - 2, 1000, Long.MAX_VALUE)).isEqualTo(200 - (firstHeld - 2) + 1);

        // a consumer that stops in the files' part ends the read there
        int[] seen = {0};
        assertThat(journal.read(firstHeld - 2, 100, Long.MAX_VALUE, (i, t, ty, b, o, l) -> ++seen[0] < 2)).isEqualTo(2);
        assertThat(seen[0]).isEqualTo(2);
        seen[0] = 0;
        assertThat(journal.read(firstHeld - 2, 100, Long.MAX_VALUE, (i, t, ty, b, o, l) -> ++seen[0] < 4)).isEqualTo(4);
        assertThat(seen[0]).isEqualTo(4);
        assertThat(journal.read(201, 10, Long.MAX_VALUE, (i, t, ty, b, o, l) -> true)).isZero();
        assertThat(journal.countWithin(201, 10, Long.MAX_VALUE)).isZero();
    }

    @Test
    void aTinyRingWrapsManyTimesAndStillServesOnlyWhatItHolds() {
        journal = open(1024);
        for (long i = 1; i <= 3000; i++) {
            append(journal, i, 1, (int) (i % 97));
            long from = Math.max(1, i - 8);
            List<Got> got = read(from, 100, Long.MAX_VALUE);
            assertThat(got).hasSize((int) (i - from + 1));
            for (Got g : got) {
                byte[] expected = new byte[(int) (g.index() % 97)];
                for (int k = 0; k < expected.length; k++) {
                    expected[k] = (byte) (g.index() * 13 + k);
                }
                assertThat(g.payload()).as("payload of %d after appending %d", g.index(), i).isEqualTo(expected);
                assertThat(g.fromRing()).isEqualTo(journal.recentRecords().holds(g.index()));
            }
            assertThat(got.get(got.size() - 1).fromRing()).as("the newest entry (%d) comes from the ring", i).isTrue();
        }
    }

    @Test
    void recordsTooLargeForTheRingAreReadFromTheFiles() {
        journal = open(1024); // records of more than 256 bytes are not held
        append(journal, 1, 1, 100);
        append(journal, 2, 1, 100);
        append(journal, 3, 1, 300);
        append(journal, 4, 1, 10);
        append(journal, 5, 1, 224); // exactly a quarter with its header: held
        List<Got> got = read(1, 10, Long.MAX_VALUE);
        assertThat(got).extracting(Got::fromRing).containsExactly(false, false, false, true, true);
        assertThat(got).extracting(g -> g.payload().length).containsExactly(100, 100, 300, 10, 224);
        assertThat(journal.countWithin(1, 10, 499)).isEqualTo(2);
        assertThat(journal.countWithin(1, 10, 500)).isEqualTo(3);
        assertThat(journal.countWithin(3, 10, 310)).isEqualTo(2);
    }

    @Test
    void truncatedIndexesReappendedReadTheNewBytes() {
        journal = open(8192);
        for (long i = 1; i <= 30; i++) {
            Entries.append(journal, i, 1, 0);
        }
        assertThat(journal.recentRecords().holds(25)).isTrue();
        journal.truncateAfter(24);
        assertThat(journal.read(25, 10, Long.MAX_VALUE, (i, t, ty, b, o, l) -> true)).isZero();
        assertThat(journal.countWithin(25, 10, Long.MAX_VALUE)).isZero();
        for (long i = 25; i <= 30; i++) {
            Entries.append(journal, i, 2, 1);
        }
        List<Got> got = read(20, 100, Long.MAX_VALUE);
        assertEntries(got.subList(0, 5), 20, 1, 0);
        assertEntries(got.subList(5, 11), 25, 2, 1);
        assertThat(got).allMatch(Got::fromRing);
        journal.truncateAfter(3);
        for (long i = 4; i <= 10; i++) {
            Entries.append(journal, i, 3, 2);
        }
        got = read(1, 100, Long.MAX_VALUE);
        assertEntries(got.subList(0, 3), 1, 1, 0);
        assertEntries(got.subList(3, 10), 4, 3, 2);
        assertThat(got).allMatch(Got::fromRing);
    }

    @Test
    void truncatingBelowWhatTheRingHoldsEmptiesIt() {
        journal = open(1024);
        for (long i = 1; i <= 30; i++) {
            append(journal, i, 1, 40);
        }
        long firstHeld = journal.recentRecords().first();
        assertThat(firstHeld).isGreaterThan(5);
        journal.truncateAfter(firstHeld - 3);
        assertThat(journal.recentRecords().holds(firstHeld - 3)).isFalse();
        for (long i = firstHeld - 2; i <= firstHeld + 1; i++) {
            append(journal, i, 2, 7);
        }
        List<Got> got = read(firstHeld - 4, 100, Long.MAX_VALUE);
        assertThat(got).extracting(Got::index).containsExactly(firstHeld - 4, firstHeld - 3, firstHeld - 2, firstHeld - 1,
            firstHeld, firstHeld + 1);
        assertThat(got).extracting(Got::term).containsExactly(1L, 1L, 2L, 2L, 2L, 2L);
        assertThat(got).extracting(g -> g.payload().length).containsExactly(40, 40, 7, 7, 7, 7);
        assertThat(got).extracting(Got::fromRing).containsExactly(false, false, true, true, true, true);
    }

    @Test
    void compactionAndReopenKeepReadsExact() {
        SetTimeProvider clock = new SetTimeProvider("2026-01-01T00:00:00");
        JournalOptions options = JournalOptions.defaults().rollCycle(TestRollCycles.TEST_SECONDLY)
            .timeProvider(clock).recentRecordBytes(2048);
        journal = ChronicleJournal.open(dir.resolve("journal"), FsyncPolicy.NONE, options);
        for (long i = 1; i <= 40; i++) {
            Entries.append(journal, i, 1, 0);
            if (i % 10 == 0) {
                journal.writePending(); // each batch of ten in its own file
                clock.advanceMillis(1000);
            }
        }
        journal.compactBefore(35);
        long first = journal.firstIndex();
        assertThat(first).isBetween(2L, 35L);
        assertThatThrownBy(() -> journal.read(first - 1, 1, 100, (i, t, ty, b, o, l) -> true)).isInstanceOf(CompactedException.class);
        assertThatThrownBy(() -> journal.countWithin(first - 1, 1, 100)).isInstanceOf(CompactedException.class);
        assertEntries(read(first, 100, Long.MAX_VALUE), first, 1, 0);
        assertThat(read(first, 100, Long.MAX_VALUE)).hasSize((int) (40 - first + 1));

        journal.close();
        journal = ChronicleJournal.open(dir.resolve("journal"), FsyncPolicy.NONE, options);
        assertThat(journal.recentRecords().holds(40)).as("a reopened journal starts with an empty ring").isFalse();
        List<Got> got = read(first, 100, Long.MAX_VALUE);
        assertEntries(got, first, 1, 0);
        assertThat(got).noneMatch(Got::fromRing);
        Entries.append(journal, 41, 1, 0);
        got = read(39, 100, Long.MAX_VALUE);
        assertEntries(got, 39, 1, 0);
        assertThat(got).extracting(Got::fromRing).containsExactly(false, false, true);
    }

    @Test
    void aJournalWithoutRingReadsEverythingFromTheFiles() {
        journal = open(0);
        for (long i = 1; i <= 20; i++) {
            Entries.append(journal, i, 1, 0);
        }
        List<Got> got = read(1, 100, Long.MAX_VALUE);
        assertEntries(got, 1, 1, 0);
        assertThat(got).hasSize(20).noneMatch(Got::fromRing);
    }

    /**
     * With small mapping chunks, records of all sizes meet chunk boundaries often: each goes in one copy
     * (those reaching past a chunk into the overlap too: Chronicle keeps every document within one mapping),
     * and every record reads back whole and checked (another reader, and a reopen that scans every record's
     * checksum).
     */
    @Test
    void recordsCopiedInOnePieceOrByChronicleAcrossChunkBoundariesAllReadBackWhole() {
        // a small roll cycle's index lets Chronicle accept its smallest block size; the clock never rolls
        JournalOptions options = JournalOptions.defaults().rollCycle(TestRollCycles.TEST_SECONDLY)
            .timeProvider(new SetTimeProvider("2026-01-01T00:00:00")).blockSize(1 << 16).recentRecordBytes(1 << 16)
            .stagingBytes(8 * 1024); // documents within what such small chunks allow
        journal = ChronicleJournal.open(dir.resolve("journal"), FsyncPolicy.NONE, options);
        int n = 30_000;
        long documents = 0;
        for (long i = 1; i <= n; i++) {
            append(journal, i, 1, (int) ((i * 7919) % 3000));
            if (i % 3 == 0) {
                journal.writePending();
            }
        }
        journal.writePending();
        assertThat(journal.contiguousCopies()).as("one copy per document").isBetween(n / 3L, (long) n);
        assertThat(journal.overlapCopies()).as("records reaching past their chunk").isGreaterThan(10);
        assertThat(journal.chunkedCopies()).isZero();
        try (JournalReader reader = journal.newReader()) {
            long from = 1;
            while (from <= n) {
                long start = from;
                int got = reader.read(from, n, 1000, Long.MAX_VALUE, (i, t, ty, b, o, l) -> {
                    assertThat(l).isEqualTo((int) ((i * 7919) % 3000));
                    for (int k = 0; k < l; k += 61) {
                        assertThat(b.getByte(o + k)).as("byte %d of %d", k, i).isEqualTo((byte) (i * 13 + k));
                    }
                    return true;
                });
                assertThat(got).as("read from %d", start).isPositive();
                from += got;
            }
        }
        journal.close();
        journal = ChronicleJournal.open(dir.resolve("journal"), FsyncPolicy.NONE, options);
        assertThat(journal.lastIndex()).isEqualTo(n);
    }

    /** Where the destination is not a mapped store, Chronicle's own write copies (and the bytes are the same). */
    @Test
    void bytesThatAreNotAMappingTakeChronicleWrite() {
        journal = open(1024);
        UnsafeBuffer src = new UnsafeBuffer(new byte[100]);
        for (int i = 0; i < 100; i++) {
            src.putByte(i, (byte) (i * 3));
        }
        for (net.openhft.chronicle.bytes.Bytes<?> dst : List.of(net.openhft.chronicle.bytes.Bytes.allocateElasticOnHeap(16),
            net.openhft.chronicle.bytes.Bytes.allocateElasticDirect(16))) {
            try {
                dst.writeSkip(5);
                journal.copyInto(dst, src, 10, 60);
                assertThat(dst.writePosition()).isEqualTo(65);
                for (int i = 0; i < 60; i++) {
                    assertThat(dst.readByte(5 + i)).isEqualTo((byte) ((10 + i) * 3));
                }
            } finally {
                dst.releaseLast();
            }
        }
        assertThat(journal.chunkedCopies()).isEqualTo(2);
        assertThat(journal.contiguousCopies()).isZero();
    }
}
