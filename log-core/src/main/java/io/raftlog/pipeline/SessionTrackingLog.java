package io.raftlog.pipeline;

import io.raftlog.journal.Journal;
import io.raftlog.raft.EntryType;
import io.raftlog.raft.RaftLog;

import org.agrona.DirectBuffer;

/**
 * The {@link RaftLog} the core writes through: the journal, with every DATA append and every truncation
 * also reported to the {@link ClientSessions}, so the exactly-once table always matches the log.
 */
final class SessionTrackingLog implements RaftLog {
    private final Journal journal;
    private final ClientSessions sessions;

    SessionTrackingLog(Journal journal, ClientSessions sessions) {
        this.journal = journal;
        this.sessions = sessions;
    }

    /** Rebuilds the sessions from the last {@code maxEntries} entries of the journal (at start). */
    long rebuild(long maxEntries) {
        long last = journal.lastIndex();
        long from = Math.max(journal.firstIndex(), last - maxEntries + 1);
        if (from > 1) {
            // Entries before the scan (or compacted away) were appended once; retries of them cannot be recognised.
            sessions.markIncomplete();
        }
        long next = from;
        while (next <= last) {
            int n = journal.read(next, 4096, 4L << 20, (index, term, type, buffer, offset, length) -> {
                if (type == EntryType.DATA) {
                    sessions.onAppend(index, buffer, offset, length);
                }
                return true;
            });
            if (n == 0) {
                break;
            }
            next += n;
        }
        return next - from;
    }

    @Override
    public long firstIndex() {
        return journal.firstIndex();
    }

    @Override
    public long lastIndex() {
        return journal.lastIndex();
    }

    @Override
    public long termAt(long index) {
        return journal.termAt(index);
    }

    @Override
    public void append(long index, long term, byte type, DirectBuffer buffer, int offset, int length) {
        journal.append(index, term, type, buffer, offset, length);
        if (type == EntryType.DATA) {
            sessions.onAppend(index, buffer, offset, length);
        }
    }

    @Override
    public void truncateAfter(long index) {
        journal.truncateAfter(index);
        sessions.onTruncateAfter(index);
    }

    @Override
    public void installSnapshot(long index, long term) {
        journal.installSnapshot(index, term);
        // None of the old log remains (some of it may not even have been the committed log), and the
        // committed entries before the new first index are not here to rebuild from: forget all of it, sessions
        // included. A session kept without its runs would take a resend of a sequence the snapshot dropped for
        // new (it remembered only what it forgot before): forgotten clients' resends are refused instead.
        sessions.clear();
        sessions.markIncomplete();
    }

    @Override
    public int countWithin(long fromIndex, int maxCount, long maxBytes) {
        return journal.countWithin(fromIndex, maxCount, maxBytes);
    }
}
