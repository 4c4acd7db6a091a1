package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

/**
 * Random sequences of append, truncate, flush, file roll, compaction, snapshot and reopen (compactions and
 * snapshots also killed between their record and the removal of their files) on the Chronicle journal and
 * on {@link InMemoryJournal} (the model); after every step both must hold the same entries, and a random
 * partial read and count (any start, count and byte limits, a consumer that stops early) must agree. Run with
 * rings of recent records so small that most reads cross from the files into the ring, records often do
 * not fit and the ring wraps every few entries, and with the default ring. Seeded; a failure names the seed
 * and the step (-Djournal.seed=N replays it).
 */
class ChronicleJournalPropertyTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "recent record bytes {0}")
    @ValueSource(ints = {512, 2048, JournalOptions.DEFAULT_RECENT_RECORD_BYTES})
    void randomOperationsAgreeWithTheInMemoryModel(int recentRecordBytes) {
        long seed = Long.getLong("journal.seed", System.nanoTime());
        System.out.println("randomOperationsAgreeWithTheInMemoryModel(" + recentRecordBytes + ") seed=" + seed
            + " (-Djournal.seed to replay)");
        for (int run = 0; run < 3; run++) {
            runOnce(seed + run, dir.resolve("run" + run), recentRecordBytes);
        }
    }

    private void runOnce(long seed, Path journalDir, int recentRecordBytes) {
        // journalDir moves when a step kills the journal (a copy of its files goes on)
        SplittableRandom random = new SplittableRandom(seed);
        SetTimeProvider clock = new SetTimeProvider("2026-01-01T00:00:00");
        JournalOptions options = JournalOptions.defaults().rollCycle(TestRollCycles.TEST_SECONDLY)
            .timeProvider(clock).recentRecordBytes(recentRecordBytes);
        InMemoryJournal model = new InMemoryJournal();
        ChronicleJournal real = ChronicleJournal.open(journalDir, FsyncPolicy.BATCH, options);
        long term = 1;
        long salt = 0;
        StringBuilder history = new StringBuilder();
        try {
            for (int step = 0; step < 150; step++) {
                int op = random.nextInt(100);
                String what;
                if (op < 55) {
                    if (random.nextInt(4) == 0) {
                        term++;
                    }
                    int n = 1 + random.nextInt(20);
                    long first = model.lastIndex() + 1;
                    for (long i = first; i < first + n; i++) {
                        Entries.append(model, i, term, salt);
                        Entries.append(real, i, term, salt);
                    }
                    if (random.nextBoolean()) {
                        real.writePending(); // else the next truncation may fall among staged entries
                    }
                    what = "append " + first + ".." + (first + n - 1) + " term " + term;
                } else if (op < 70) {
                    long lo = model.firstIndex() - 1;
                    long to = lo + random.nextLong(model.lastIndex() - lo + 1);
                    model.truncateAfter(to);
                    real.truncateAfter(to);
                    salt++; // what comes next at these indexes differs from what was there
                    what = "truncate after " + to;
                } else if (op < 78) {
                    real.close();
                    real = ChronicleJournal.open(journalDir, FsyncPolicy.BATCH, options);
                    what = "reopen";
                } else if (op < 86) {
                    clock.advanceMillis(1000);
                    what = "roll";
                } else if (op < 92) {
                    real.writePending();
                    assertThat(real.flush()).isEqualTo(model.flush());
                    what = "flush";
                } else if (random.nextInt(4) == 0) {
                    // A leader's snapshot, inside the log or past it, of a newer term; killed half the time once its
                    // record is written, before the files it voided go.
                    long k = model.firstIndex() - 1 + random.nextLong(model.lastIndex() - model.firstIndex() + 12);
                    term++;
                    boolean killed = random.nextBoolean();
                    Path killedAt = journalDir.resolveSibling(journalDir.getFileName() + "-s" + step);
                    Path from = journalDir;
                    if (killed) {
                        real.writePending();
                        real.afterSnapshotMarkerWritten = CrashCopies.copyingTo(from, killedAt);
                    }
                    real.installSnapshot(k, term);
                    model.installSnapshot(k, term);
                    if (killed) {
                        real.close();
                        journalDir = killedAt;
                        real = ChronicleJournal.open(journalDir, FsyncPolicy.BATCH, options);
                    }
                    what = "snapshot through " + k + " term " + term + (killed ? ", killed before its files went" : "");
                } else if (random.nextInt(3) > 0) {
                    long k = model.firstIndex() + random.nextLong(model.lastIndex() - model.firstIndex() + 2);
                    real.compactBefore(k);
                    model.compactBefore(real.firstIndex()); // Chronicle drops whole files only: align the model
                    what = "compact before " + k + " -> first " + real.firstIndex();
                } else {
                    // Killed once the compaction record is written, before its files go: the copy is what the page
                    // cache held then, and the journal goes on from it (its open drops the files left behind).
                    long k = model.firstIndex() + random.nextLong(model.lastIndex() - model.firstIndex() + 2);
                    Path killedAt = journalDir.resolveSibling(journalDir.getFileName() + "-k" + step);
                    Path from = journalDir;
                    real.writePending();
                    model.flush();
                    real.afterCompactionMarkerWritten = CrashCopies.copyingTo(from, killedAt);
                    real.compactBefore(k);
                    real.close();
                    journalDir = killedAt;
                    if (!journalDir.toFile().exists()) {
                        CrashCopies.copyingTo(from, killedAt).run(); // nothing to drop, so no record was written: a plain restart
                    }
                    real = ChronicleJournal.open(journalDir, FsyncPolicy.BATCH, options);
                    model.compactBefore(real.firstIndex());
                    what = "compact before " + k + ", killed before its files went -> first " + real.firstIndex();
                }
                history.append(step).append(": ").append(what).append('\n');
                String context = "seed " + seed + " after\n" + history;
                assertThat(real.firstIndex()).as(context).isEqualTo(model.firstIndex());
                assertThat(real.lastIndex()).as(context).isEqualTo(model.lastIndex());
                if (model.lastIndex() >= model.firstIndex()) {
                    assertThat(real.termAt(model.lastIndex())).as(context).isEqualTo(model.termAt(model.lastIndex()));
                    assertThat(real.termAt(model.firstIndex() - 1)).as(context).isEqualTo(model.termAt(model.firstIndex() - 1));
                }
                for (int q = 0; q < 3; q++) {
                    assertSameSlice(model, real, random, context);
                }
                if (step % 10 == 9 || what.equals("reopen")) {
                    List<Entries.Read> expected = Entries.readAll(model);
                    List<Entries.Read> actual = Entries.readAll(real);
                    assertThat(actual.size()).as(context).isEqualTo(expected.size());
                    for (int i = 0; i < expected.size(); i++) {
                        assertThat(actual.get(i).index()).as(context).isEqualTo(expected.get(i).index());
                        assertThat(actual.get(i).term()).as(context).isEqualTo(expected.get(i).term());
                        assertThat(actual.get(i).payload()).as(context + " payload of " + expected.get(i).index())
                            .isEqualTo(expected.get(i).payload());
                    }
                }
            }
        } catch (RuntimeException e) {
            throw new AssertionError("seed " + seed + " failed after\n" + history, e);
        } finally {
            real.close();
        }
    }

    /** One random read and count, from anywhere around the log, with random limits; both journals must agree. */
    private static void assertSameSlice(Journal model, Journal real, SplittableRandom random, String context) {
        long from = model.firstIndex() - 2 + random.nextLong(model.lastIndex() - model.firstIndex() + 5);
        from = Math.max(from, 1);
        int maxCount = 1 + random.nextInt(random.nextBoolean() ? 4 : 40);
        long maxBytes = random.nextInt(4) == 0 ? Long.MAX_VALUE : random.nextInt(3000);
        int stopAfter = random.nextInt(3) == 0 ? 1 + random.nextInt(10) : Integer.MAX_VALUE;
        String what = context + "read(" + from + ", " + maxCount + ", " + maxBytes + ") stopping after " + stopAfter;
        Slice expected = Slice.of(model, from, maxCount, maxBytes, stopAfter);
        Slice actual = Slice.of(real, from, maxCount, maxBytes, stopAfter);
        assertThat(actual.failure == null ? null : actual.failure.getClass()).as(what)
            .isEqualTo(expected.failure == null ? null : expected.failure.getClass());
        assertThat(actual.count).as(what).isEqualTo(expected.count);
        assertThat(actual.counted).as(what + " countWithin").isEqualTo(expected.counted);
        assertThat(actual.reads.size()).as(what).isEqualTo(expected.reads.size());
        for (int i = 0; i < expected.reads.size(); i++) {
            Entries.Read e = expected.reads.get(i);
            Entries.Read a = actual.reads.get(i);
            assertThat(a.index()).as(what).isEqualTo(e.index());
            assertThat(a.term()).as(what + " term of " + e.index()).isEqualTo(e.term());
            assertThat(a.type()).as(what + " type of " + e.index()).isEqualTo(e.type());
            assertThat(a.payload()).as(what + " payload of " + e.index()).isEqualTo(e.payload());
        }
    }

    /** What one read and one count of a journal returned, or what they threw. */
    private static final class Slice {
        final List<Entries.Read> reads = new java.util.ArrayList<>();
        int count = -1;
        int counted = -1;
        Throwable failure;

        static Slice of(Journal j, long from, int maxCount, long maxBytes, int stopAfter) {
            Slice s = new Slice();
            Entries.Collector collector = new Entries.Collector();
            s.failure = catchThrowable(() -> s.count = j.read(from, maxCount, maxBytes,
                (i, t, ty, b, o, l) -> collector.accept(i, t, ty, b, o, l) && collector.reads.size() < stopAfter));
            s.reads.addAll(collector.reads);
            Throwable countFailure = catchThrowable(() -> s.counted = j.countWithin(from, maxCount, maxBytes));
            if (s.failure == null) {
                s.failure = countFailure;
            }
            return s;
        }
    }
}
