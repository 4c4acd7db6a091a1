package io.raftlog.fault;

import io.raftlog.journal.ChronicleJournal;
import io.raftlog.journal.FsyncPolicy;
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

    /** Every entry of the journal in {@code dir}, in index order. The node must not be running. */
    static List<History.Entry> read(Path dir) {
        List<History.Entry> out = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(dir, FsyncPolicy.NONE)) {
            long next = journal.firstIndex();
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
        return out;
    }
}
