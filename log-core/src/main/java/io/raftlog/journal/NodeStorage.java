package io.raftlog.journal;

import java.nio.file.Path;

import io.raftlog.raft.HardState;

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

    /**
     * Refuses a hard state whose term is below the last term of its own log. A node makes a term durable before
     * it appends an entry of that term, so this means the hard state file was lost (a missing file reads as a
     * new node's term 0) or replaced by an older one: started anyway, the node could vote a second time in a
     * term it already voted in, and two leaders could be elected in it.
     */
    public static void checkHardStateCoversLog(Path dataDir, HardState state, Journal journal) {
        long lastTerm = journal.termAt(journal.lastIndex());
        if (state.term() < lastTerm) {
            throw new IllegalStateException("hard state " + hardStateFile(dataDir) + " says term " + state.term()
                + " but the journal holds entries of term " + lastTerm + ": the hard state file was lost or replaced by"
                + " an older one; refusing to start, as the node could vote twice in a term (restore the file, or"
                + " remove this node's data directory and let it rejoin empty)");
        }
    }
}
