package io.raftlog.pipeline;

import io.raftlog.journal.CompactedException;
import io.raftlog.journal.EntryConsumer;
import io.raftlog.journal.FsyncPolicy;
import io.raftlog.journal.Journal;
import io.raftlog.journal.JournalReader;
import io.raftlog.raft.MemoryRaftLog;

import org.agrona.DirectBuffer;

/**
 * A {@link Journal} over the core's {@link MemoryRaftLog}, every method synchronized so the pipeline's
 * flusher thread and readers may call it as they would the real journal. Test-only: it lets the pipeline
 * be tested without the storage module; allocation per entry does not matter here.
 */
final class SyncedMemoryJournal implements Journal {
    private final MemoryRaftLog log = new MemoryRaftLog();
    private final FsyncPolicy policy;
    private volatile long durable;

    SyncedMemoryJournal(FsyncPolicy policy) {
        this.policy = policy;
    }

    @Override
    public synchronized long firstIndex() {
        return log.firstIndex();
    }

    @Override
    public synchronized long lastIndex() {
        return log.lastIndex();
    }

    @Override
    public synchronized long termAt(long index) {
        return log.termAt(index);
    }

    public synchronized byte typeAt(long index) {
        return log.typeAt(index);
    }

    public synchronized byte[] payloadAt(long index) {
        return log.payloadAt(index);
    }

    @Override
    public synchronized void append(long index, long term, byte type, DirectBuffer buffer, int offset, int length) {
        log.append(index, term, type, buffer, offset, length);
    }

    @Override
    public synchronized void truncateAfter(long index) {
        log.truncateAfter(index);
    }

    @Override
    public synchronized int countWithin(long fromIndex, int maxCount, long maxBytes) {
        return log.countWithin(fromIndex, maxCount, maxBytes);
    }

    @Override
    public synchronized int read(long fromIndex, int maxCount, long maxBytes, EntryConsumer consumer) {
        if (fromIndex < log.firstIndex()) {
            throw new CompactedException(fromIndex, log.firstIndex());
        }
        int n = 0;
        long bytes = 0;
        for (long i = fromIndex; i <= log.lastIndex() && n < maxCount; i++) {
            DirectBuffer b = log.payloadView(i);
            if (n > 0 && bytes + b.capacity() > maxBytes) {
                break;
            }
            bytes += b.capacity();
            n++;
            if (!consumer.accept(i, log.termAt(i), log.typeAt(i), b, 0, b.capacity())) {
                break;
            }
        }
        return n;
    }

    @Override
    public synchronized long flush() {
        durable = log.sync();
        return durable;
    }

    @Override
    public long durableIndex() {
        return durable;
    }

    @Override
    public JournalReader newReader() {
        return new JournalReader() {
            @Override
            public int read(long fromIndex, long toIndexInclusive, int maxCount, long maxBytes, EntryConsumer consumer) {
                int max = (int) Math.max(0, Math.min(maxCount, toIndexInclusive - fromIndex + 1));
                return max == 0 ? 0 : SyncedMemoryJournal.this.read(fromIndex, max, maxBytes, consumer);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void compactBefore(long index) {
        throw new UnsupportedOperationException("compaction is not modelled here");
    }

    @Override
    public FsyncPolicy policy() {
        return policy;
    }

    @Override
    public void close() {
    }
}
