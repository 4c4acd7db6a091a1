package io.raftlog.sim;

import io.raftlog.raft.MemoryRaftLog;
import io.raftlog.raft.RaftLog;
import org.agrona.DirectBuffer;

/**
 * The log a simulated node sees: its {@link MemoryRaftLog} storage, with every append checked against Log
 * Matching and every truncation checked never to remove a committed entry, at the moment they happen.
 */
final class CheckedLog implements RaftLog {
    private final SimNode node;
    private final MemoryRaftLog storage;
    private final Invariants invariants;

    CheckedLog(SimNode node, MemoryRaftLog storage, Invariants invariants) {
        this.node = node;
        this.storage = storage;
        this.invariants = invariants;
    }

    @Override
    public long firstIndex() {
        return storage.firstIndex();
    }

    @Override
    public long lastIndex() {
        return storage.lastIndex();
    }

    @Override
    public long termAt(long index) {
        return storage.termAt(index);
    }

    @Override
    public void append(long index, long term, byte type, DirectBuffer buffer, int offset, int length) {
        long previousTerm = index - 1 <= storage.lastIndex() ? storage.termAt(index - 1) : -1;
        invariants.onAppend(node, index, term, Invariants.entryId(type, term, buffer, offset, length), previousTerm);
        storage.append(index, term, type, buffer, offset, length);
    }

    @Override
    public void truncateAfter(long index) {
        invariants.onTruncate(node, index);
        storage.truncateAfter(index);
        node.truncated = true;
    }

    @Override
    public void installSnapshot(long index, long term) {
        invariants.onSnapshotInstalled(node, index, term);
        storage.installSnapshot(index, term);
        node.truncated = true;
    }

    @Override
    public int countWithin(long fromIndex, int maxCount, long maxBytes) {
        return storage.countWithin(fromIndex, maxCount, maxBytes);
    }
}
