package io.raftlog.journal;

import java.nio.file.Path;

/**
 * Child JVM of {@link ChronicleJournalDiskFullTest}: appends to a journal until its disk is full, flushing every
 * 100 entries, then closes it and exits as a halted server does. Prints {@code FULL <durable index> <failure>},
 * then {@code CLOSED} once the close returned.
 */
public final class DiskFullChild {
    /** Small tail files (2 x 4 MiB, filled with zeros at open) leave most of a small disk to the cycle file. */
    static final long TAIL_FILE_BYTES = 4 << 20;

    public static void main(String[] args) {
        ChronicleJournal j = ChronicleJournal.open(Path.of(args[0]), FsyncPolicy.BATCH,
            JournalOptions.defaults().tailFileBytes(TAIL_FILE_BYTES));
        long durable = 0;
        Throwable failure = null;
        try {
            // The bound only stops a child whose disk never fills.
            for (long i = 1; i <= 2_000_000; i++) {
                Entries.append(j, i, 1, 0);
                if (i % 100 == 0) {
                    j.writePending();
                    durable = j.flush();
                }
            }
        } catch (RuntimeException | InternalError e) {
            failure = e;
        }
        System.out.println("FULL " + durable + " " + failure);
        System.out.flush();
        j.close();
        System.out.println("CLOSED");
        System.out.flush();
        System.exit(1);
    }
}
