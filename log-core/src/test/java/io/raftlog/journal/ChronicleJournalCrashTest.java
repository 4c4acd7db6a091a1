package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.raftlog.testing.Seeds;

/**
 * A real process appends with fsync=batch and reports each durable index; we SIGKILL it after a seeded random
 * number of those reports (where exactly the kill lands is timing: each round prints it), reopen, and check that every entry it reported durable is there with the right term and bytes,
 * and that the journal verifies. Several rounds on the same directory, so recovery runs on what the previous
 * recovery left. (SIGKILL keeps the page cache, so this checks the process-crash path: torn Chronicle
 * writes, lost in-memory state, truncation records; power loss is modelled by the damaged-file tests.)
 */
class ChronicleJournalCrashTest {

    @TempDir
    Path tmp;

    @Test
    void everyEntryReportedDurableSurvivesSigkillAtRandomMoments() throws Exception {
        long seed = Long.getLong("journal.seed", System.nanoTime());
        Seeds.print("everyEntryReportedDurableSurvivesSigkillAtRandomMoments", seed, "journal.seed");
        SplittableRandom random = new SplittableRandom(seed);
        Path dir = tmp.resolve("journal");
        // What the child said: index -> term of the entry (A lines, cut by T lines), and how far it is durable.
        TreeMap<Long, Long> model = new TreeMap<>();
        long durableUpTo = 0;
        for (int round = 0; round < 6; round++) {
            Path stderr = tmp.resolve("child-" + round + ".err");
            List<String> lines;
            try (ChildJvm child = ChildJvm.start(JournalCrashChild.class, stderr, dir.toString(), Long.toString(random.nextLong()))) {
                boolean opened = child.awaitLine(l -> l.startsWith("OPEN"), 60_000);
                assertThat(opened).as("child opened the journal; stderr: %s", ChildJvm.readQuietly(stderr)).isTrue();
                // wait a random while for progress, then kill mid-whatever it is doing
                int wantedDurableReports = 1 + random.nextInt(40);
                int[] seen = {0};
                // ("D 0" does not count: the child prints it before it has written anything, and a journal
                // killed before its first write has no files for the checks below.)
                boolean reported = child.awaitLine(l -> l.startsWith("D ") && !l.equals("D 0") && ++seen[0] >= wantedDurableReports,
                    20_000);
                // The kill must land in a running child after the reports it waited for, not after a timeout or
                // on a child that died on its own.
                assertThat(reported).as("round %d: %d durable reports before the kill (seed %d); stderr: %s", round,
                    wantedDurableReports, seed, ChildJvm.readQuietly(stderr)).isTrue();
                assertThat(child.process.isAlive()).as("round %d: the child runs when killed (seed %d); stderr: %s", round, seed,
                    ChildJvm.readQuietly(stderr)).isTrue();
                lines = child.kill();
                // Where the kill landed is timing, not the seed: say it, for a failure that does not come back.
                System.out.println("round " + round + ": killed after " + wantedDurableReports + " durable reports, "
                    + lines.size() + " lines printed, the last " + (lines.isEmpty() ? "none" : "'" + lines.get(lines.size() - 1) + "'"));
            }
            for (String line : lines) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "OPEN" -> assertThat(Long.parseLong(f[1])).as("round %d reopened at least what was durable (seed %d)", round, seed)
                        .isGreaterThanOrEqualTo(durableUpTo);
                    case "A" -> {
                        long term = Long.parseLong(f[3]);
                        for (long i = Long.parseLong(f[1]); i <= Long.parseLong(f[2]); i++) {
                            model.put(i, term);
                        }
                    }
                    case "T" -> {
                        long to = Long.parseLong(f[1]);
                        model.tailMap(to, false).clear();
                        durableUpTo = Math.min(durableUpTo, to);
                    }
                    case "D" -> durableUpTo = Math.max(durableUpTo, Long.parseLong(f[1]));
                    default -> throw new AssertionError("unexpected child line " + line);
                }
            }
            // Reopen here, check every durable entry, then let the next round continue on the same files.
            try (ChronicleJournal j = ChronicleJournal.open(dir, FsyncPolicy.BATCH, JournalCrashChild.options())) {
                assertThat(j.lastIndex()).as("round %d seed %d", round, seed).isGreaterThanOrEqualTo(durableUpTo);
                long from = 1;
                Entries.Collector c = new Entries.Collector();
                while (from <= durableUpTo) {
                    // Only up to the durable point: beyond it may lie entries the child wrote but was killed
                    // before announcing, which the model cannot know.
                    from += readSome(j, from, (int) Math.min(1000, durableUpTo - from + 1), c, round, seed);
                }
                for (Entries.Read r : c.reads) {
                    long term = model.get(r.index());
                    assertThat(r.term()).as("term of durable entry %d, round %d, seed %d", r.index(), round, seed).isEqualTo(term);
                    assertThat(r.payload()).as("payload of durable entry %d, round %d, seed %d", r.index(), round, seed)
                        .isEqualTo(Entries.payload(r.index(), term));
                }
                // What survived beyond the durable point becomes the model (the child continues from it); it
                // may include entries the child had announced truncating when it was killed.
                model.tailMap(j.lastIndex(), false).clear();
                Entries.Collector beyond = new Entries.Collector();
                for (long i = durableUpTo + 1; i <= j.lastIndex(); ) {
                    i += readSome(j, i, 1000, beyond, round, seed);
                }
                for (Entries.Read r : beyond.reads) {
                    assertThat(r.payload()).as("surviving entry %d is whole, round %d seed %d", r.index(), round, seed)
                        .isEqualTo(Entries.payload(r.index(), r.term()));
                    model.put(r.index(), r.term());
                }
            }
            assertThat(JournalInspector.verify(dir, JournalCrashChild.options()).problems())
                .as("verify after round %d, seed %d", round, seed).isEmpty();
        }
        assertThat(durableUpTo).as("the child made progress").isGreaterThan(0);
    }

    /** Reads up to {@code max} entries from {@code from}; fails rather than loop forever if none comes back. */
    private static int readSome(ChronicleJournal j, long from, int max, Entries.Collector into, int round, long seed) {
        int n = j.read(from, max, Long.MAX_VALUE, into);
        assertThat(n).as("entries read from index %d (last index %d), round %d, seed %d", from, j.lastIndex(), round, seed)
            .isPositive();
        return n;
    }
}
