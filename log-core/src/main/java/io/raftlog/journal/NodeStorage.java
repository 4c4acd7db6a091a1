package io.raftlog.journal;

import java.nio.file.Path;

/**
 * Where a node keeps its state inside its data directory, in one place so the server, the tools and the
 * tests agree: {@code DATA/journal/} holds the Chronicle Queue journal, {@code DATA/hardstate} the term and
 * vote, {@code DATA/node-identity} which node it is ({@link NodeIdentity}). Everything else in the data
 * directory belongs to other components.
 */
public final class NodeStorage {
    public static final String JOURNAL_DIR = "journal";
    public static final String HARD_STATE_FILE = "hardstate";

    private NodeStorage() {
    }

    public static Path journalDir(Path dataDir) {
        return dataDir.resolve(JOURNAL_DIR);
    }

    public static Path hardStateFile(Path dataDir) {
        return dataDir.resolve(HARD_STATE_FILE);
    }

    public static ChronicleJournal openJournal(Path dataDir, FsyncPolicy policy) {
        return ChronicleJournal.open(journalDir(dataDir), policy);
    }

    public static ChronicleJournal openJournal(Path dataDir, FsyncPolicy policy, JournalOptions options) {
        return ChronicleJournal.open(journalDir(dataDir), policy, options);
    }

    public static FileHardStateStore openHardState(Path dataDir) {
        return new FileHardStateStore(hardStateFile(dataDir));
    }
}
