package io.raftlog.raft;

import org.agrona.DirectBuffer;

/** A RaftLog over preallocated arrays that keeps only terms and lengths: it allocates nothing. */
final class ArrayRaftLog implements RaftLog {
    private final long[] terms;
    private final int[] lengths;
    private long last;

    ArrayRaftLog(int capacity) {
        terms = new long[capacity + 1];
        lengths = new int[capacity + 1];
    }

    @Override
    public long firstIndex() {
        return 1;
    }

    @Override
    public long lastIndex() {
        return last;
    }

    @Override
    public long termAt(long index) {
        if (index < 0 || index > last) {
            throw new IndexOutOfBoundsException("index " + index);
        }
        return terms[(int) index];
    }

    @Override
    public void append(long index, long term, byte type, DirectBuffer buffer, int offset, int length) {
        if (index != last + 1) {
            throw new IllegalStateException("append at " + index + " after " + last);
        }
        terms[(int) index] = term;
        lengths[(int) index] = length;
        last = index;
    }

    @Override
    public void truncateAfter(long index) {
        last = Math.min(last, index);
    }

    @Override
    public void installSnapshot(long index, long term) {
        throw new UnsupportedOperationException("ArrayRaftLog is never compacted");
    }

    @Override
    public int countWithin(long fromIndex, int maxCount, long maxBytes) {
        int n = 0;
        long bytes = 0;
        for (long i = fromIndex; i <= last && n < maxCount; i++) {
            bytes += lengths[(int) i];
            if (n > 0 && bytes > maxBytes) {
                break;
            }
            n++;
        }
        return n;
    }
}
