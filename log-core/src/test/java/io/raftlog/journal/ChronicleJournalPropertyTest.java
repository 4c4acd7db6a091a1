package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

/**
 * Random sequences of append, truncate, flush, file roll, compaction and reopen on the Chronicle journal and
 * on {@link InMemoryJournal} (the model); after every step both must hold the same entries. Seeded; a failure
 * names the seed and the step (-Djournal.seed=N replays it).
 */
class ChronicleJournalPropertyTest {

    @TempDir
    Path dir;

    @Test
    void randomOperationsAgreeWithTheInMemoryModel() {
        long seed = Long.getLong("journal.seed", System.nanoTime());
        System.out.println("randomOperationsAgreeWithTheInMemoryModel seed=" + seed + " (-Djournal.seed to replay)");
        for (int run = 0; run < 3; run++) {
            runOnce(seed + run, dir.resolve("run" + run));
        }
    }

    private void runOnce(long seed, Path journalDir) {
        SplittableRandom random = new SplittableRandom(seed);
        SetTimeProvider clock = new SetTimeProvider("2026-01-01T00:00:00");
        ChronicleJournal.Options options = ChronicleJournal.Options.defaults().rollCycle(TestRollCycles.TEST_SECONDLY).timeProvider(clock);
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
                    assertThat(real.flush()).isEqualTo(model.flush());
                    what = "flush";
                } else {
                    long k = model.firstIndex() + random.nextLong(model.lastIndex() - model.firstIndex() + 2);
                    real.compactBefore(k);
                    model.compactBefore(real.firstIndex()); // Chronicle drops whole files only: align the model
                    what = "compact before " + k + " -> first " + real.firstIndex();
                }
                history.append(step).append(": ").append(what).append('\n');
                String context = "seed " + seed + " after\n" + history;
                assertThat(real.firstIndex()).as(context).isEqualTo(model.firstIndex());
                assertThat(real.lastIndex()).as(context).isEqualTo(model.lastIndex());
                if (model.lastIndex() >= model.firstIndex()) {
                    assertThat(real.termAt(model.lastIndex())).as(context).isEqualTo(model.termAt(model.lastIndex()));
                    assertThat(real.termAt(model.firstIndex() - 1)).as(context).isEqualTo(model.termAt(model.firstIndex() - 1));
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
}
