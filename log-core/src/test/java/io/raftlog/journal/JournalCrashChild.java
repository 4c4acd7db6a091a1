package io.raftlog.journal;

import java.nio.file.Path;
import java.util.SplittableRandom;

import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

/**
 * The process {@link ChronicleJournalCrashTest} kills: appends batches under fsync=batch while a flusher
 * thread flushes, and prints what it does, each line before the next step can depend on it:
 * {@code OPEN last lastTerm}, {@code A first last term} (before appending), {@code T index} (before
 * truncating) and {@code D index} (after a flush made index durable).
 */
public final class JournalCrashChild {
    private JournalCrashChild() {
    }

    static JournalOptions options() {
        // one file per second: a run of a second or two crosses file boundaries
        return JournalOptions.defaults().rollCycle(TestRollCycles.TEST_SECONDLY);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[1]));
        ChronicleJournal journal = ChronicleJournal.open(dir, FsyncPolicy.BATCH, options());
        long term = journal.lastIndex() >= journal.firstIndex() ? journal.termAt(journal.lastIndex()) + 1 : 1;
        System.out.println("OPEN " + journal.lastIndex() + " " + term);
        System.out.flush();
        // A D line computed before a truncation but printed after its T line would claim truncated entries:
        // the flusher prints under the same lock as the writer's T-and-truncate, re-reading durableIndex().
        Object printLock = new Object();
        Thread flusher = new Thread(() -> {
            long reported = -1;
            while (true) {
                journal.flush();
                synchronized (printLock) {
                    long d = journal.durableIndex();
                    if (d != reported) {
                        System.out.println("D " + d);
                        reported = d;
                    }
                }
            }
        }, "flusher");
        flusher.setDaemon(true);
        flusher.start();
        while (true) {
            if (random.nextInt(40) == 0 && journal.lastIndex() > 20) {
                long to = journal.lastIndex() - random.nextInt(10);
                synchronized (printLock) {
                    System.out.println("T " + to);
                    journal.truncateAfter(to);
                }
                term++;
            }
            long first = journal.lastIndex() + 1;
            int count = 1 + random.nextInt(64);
            System.out.println("A " + first + " " + (first + count - 1) + " " + term);
            for (long i = first; i < first + count; i++) {
                Entries.append(journal, i, term, term);
            }
            journal.writePending(); // the end of a batch, as on the raft thread: one document for the flusher
        }
    }
}
