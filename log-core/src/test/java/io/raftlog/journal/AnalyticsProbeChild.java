package io.raftlog.journal;

import java.nio.file.Path;

/** Opens a journal, writes, reads, closes: everything a node does that could wake Chronicle's analytics. */
public final class AnalyticsProbeChild {
    private AnalyticsProbeChild() {
    }

    public static void main(String[] args) {
        try (ChronicleJournal j = ChronicleJournal.open(Path.of(args[0]), FsyncPolicy.BATCH)) {
            for (long i = 1; i <= 100; i++) {
                Entries.append(j, i, 1, 0);
            }
            j.flush();
            Entries.readAll(j);
        }
        System.out.println("DONE");
    }
}
