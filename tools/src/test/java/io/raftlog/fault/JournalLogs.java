package io.raftlog.fault;

import io.raftlog.journal.ChronicleJournal;
import io.raftlog.journal.FsyncPolicy;
import io.raftlog.journal.JournalOptions;
import io.raftlog.pipeline.DataEntry;
import io.raftlog.raft.EntryType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads a stopped node's journal straight from its data directory: every entry with its term and type
 * (no-ops included, which the client never hands out), a data entry's (clientId, sequence) header kept
 * apart from the user's bytes. Nodes must agree on all of it, the header included: it is what rebuilds
 * the client sessions that make appends exactly-once. This is the ground truth the checker compares nodes on.
 */
final class JournalLogs {
    private static final int BATCH = 1024;

    private JournalLogs() {
    }

    /**
     * A journal's entries and the index it starts at: above 1 once retention dropped a prefix or a snapshot
     * replaced the log, and then the entries may be empty (a log dropped up to its end): the first index is
     * what tells a node that compacted everything from one that never had anything.
     */
    record Read(long firstIndex, List<History.Entry> entries) {
    }

    /** The directory under {@code dataDir} that holds Chronicle queue files ({@code *.cq4}), or null. */
    static Path findJournal(Path dataDir) {
        if (!Files.isDirectory(dataDir)) {
            return null;
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".cq4")).map(Path::getParent).findFirst().orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search " + dataDir + " for a journal", e);
        }
    }

    /** Every entry of the journal in {@code dir}, in index order, with its first index. The node must not be running. */
    static Read read(Path dir) {
        return read(dir, JournalOptions.defaults());
    }

    /** As {@link #read(Path)}, with the options the node ran with (its roll cycle: one-second files under retention). */
    static Read read(Path dir, JournalOptions options) {
        List<History.Entry> out = new ArrayList<>();
        long first;
        try (ChronicleJournal journal = ChronicleJournal.open(dir, FsyncPolicy.NONE, options)) {
            first = journal.firstIndex();
            long next = first;
            long last = journal.lastIndex();
            while (next <= last) {
                int n = journal.read(next, BATCH, Long.MAX_VALUE, (index, term, type, buffer, offset, length) -> {
                    int h = type == EntryType.DATA && length >= DataEntry.HEADER_LENGTH ? DataEntry.HEADER_LENGTH : 0;
                    byte[] header = new byte[h];
                    byte[] bytes = new byte[length - h];
                    buffer.getBytes(offset, header);
                    buffer.getBytes(offset + h, bytes);
                    out.add(new History.Entry(index, term, type, header, bytes));
                    return true;
                });
                if (n == 0) {
                    break;
                }
                next += n;
            }
        }
        return new Read(first, out);
    }
}
