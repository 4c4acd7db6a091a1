package io.raftlog.journal;

import org.agrona.DirectBuffer;

import io.raftlog.raft.MemoryRaftLog;

/**
 * A {@link Journal} in memory, for tests and the simulator: {@link MemoryRaftLog} (which models the page
 * cache and loses unflushed writes on {@link #crash()}) plus reads, a durable index and compaction. Every
 * method is synchronized: the simulator is single-threaded, and tests may flush and read from other threads.
 * It allocates per entry; the Chronicle journal is the production log.
 */
public final class InMemoryJournal implements Journal {
    private final MemoryRaftLog log = new MemoryRaftLog();
    private final FsyncPolicy policy;
    /** Entries below this were compacted away (MemoryRaftLog itself always starts at 1). */
    private long compactedBefore = 1;
    private long durable;
    private long appendedBytes;

    public InMemoryJournal(FsyncPolicy policy) {
        this.policy = policy;
    }

    public InMemoryJournal() {
        this(FsyncPolicy.BATCH);
    }

    @Override
    public synchronized long firstIndex() {
        return Math.min(compactedBefore, log.lastIndex() + 1);
    }

    @Override
    public synchronized long lastIndex() {
        return log.lastIndex();
    }

    @Override
    public synchronized long termAt(long index) {
        if (index != 0 && index < firstIndex() - 1) {
            throw new IndexOutOfBoundsException("term of index " + index + " asked, the log holds [" + firstIndex() + ", " + lastIndex() + "]");
        }
        return log.termAt(index);
    }

    @Override
    public synchronized void append(long index, long term, byte type, DirectBuffer buffer, int offset, int length) {
        if (!io.raftlog.raft.EntryType.isValid(type)) {
            throw new IllegalArgumentException("unknown entry type " + type + " at index " + index);
        }
        log.append(index, term, type, buffer, offset, length);
        appendedBytes += length;
    }

    @Override
    public synchronized long appendedBytes() {
        return appendedBytes;
    }

    @Override
    public synchronized void truncateAfter(long index) {
        if (index < firstIndex() - 1) {
            throw new IllegalStateException("truncate after " + index + " is below the first index " + firstIndex());
        }
        log.truncateAfter(index);
        durable = Math.min(durable, log.lastIndex());
    }

    @Override
    public synchronized int countWithin(long fromIndex, int maxCount, long maxBytes) {
        if (fromIndex > log.lastIndex()) {
            return 0;
        }
        checkNotCompacted(fromIndex);
        return log.countWithin(fromIndex, maxCount, maxBytes);
    }

    @Override
    public int read(long fromIndex, int maxCount, long maxBytes, EntryConsumer consumer) {
        return readUpTo(fromIndex, Long.MAX_VALUE, maxCount, maxBytes, consumer);
    }

    private synchronized int readUpTo(long fromIndex, long toIndex, int maxCount, long maxBytes, EntryConsumer consumer) {
        checkNotCompacted(fromIndex);
        long last = Math.min(toIndex, log.lastIndex());
        int count = 0;
        long bytes = 0;
        for (long i = fromIndex; i <= last && count < maxCount; i++) {
            DirectBuffer payload = log.payloadView(i);
            if (count > 0 && bytes + payload.capacity() > maxBytes) {
                break;
            }
            bytes += payload.capacity();
            count++;
            if (!consumer.accept(i, log.termAt(i), log.typeAt(i), payload, 0, payload.capacity())) {
                break;
            }
        }
        return count;
    }

    private void checkNotCompacted(long fromIndex) {
        if (fromIndex < firstIndex()) {
            throw new CompactedException(fromIndex, firstIndex());
        }
    }

    @Override
    public synchronized long flush() {
        if (policy.mode() == FsyncPolicy.Mode.BATCH || policy.mode() == FsyncPolicy.Mode.INTERVAL) {
            log.sync(); // INTERVAL: the simulator has no background thread; syncing here is the closest model
        }
        durable = log.lastIndex();
        return durable;
    }

    @Override
    public synchronized long durableIndex() {
        return durable;
    }

    @Override
    public JournalReader newReader() {
        return new JournalReader() {
            @Override
            public int read(long fromIndex, long toIndexInclusive, int maxCount, long maxBytes, EntryConsumer consumer) {
                return readUpTo(fromIndex, toIndexInclusive, maxCount, maxBytes, consumer);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public synchronized void compactBefore(long index) {
        compactedBefore = Math.max(compactedBefore, Math.min(index, log.lastIndex() + 1));
    }

    @Override
    public synchronized void installSnapshot(long index, long term) {
        if (index < firstIndex() - 1) {
            throw new IllegalStateException("snapshot through " + index + " is below the first index " + firstIndex());
        }
        log.installSnapshot(index, term);
        compactedBefore = index + 1;
        durable = index;
    }

    @Override
    public synchronized long firstIndexWrittenWithin(long ageMillis) {
        return firstIndex(); // no write times kept
    }

    @Override
    public synchronized long firstIndexKeepingBytes(long maxBytes) {
        return firstIndex(); // no files
    }

    /** Loses everything written since the last flush, as a machine crash loses the page cache. */
    public synchronized void crash() {
        log.crash();
        durable = Math.min(durable, log.lastIndex());
    }

    @Override
    public FsyncPolicy policy() {
        return policy;
    }

    @Override
    public void close() {
    }
}
