package io.raftlog.journal;

import java.util.Arrays;

/**
 * The term of every held entry, kept as runs (first index of the run, term): terms change rarely, so this
 * answers {@code termAt} without touching the files and takes a few slots per leader change. Writer thread only.
 */
final class TermRuns {
    private long[] start = new long[16];
    private long[] term = new long[16];
    private int size;

    void appended(long index, long t) {
        if (size > 0 && term[size - 1] == t) {
            return;
        }
        if (size == start.length) {
            start = Arrays.copyOf(start, size * 2);
            term = Arrays.copyOf(term, size * 2);
        }
        start[size] = index;
        term[size] = t;
        size++;
    }

    /** The term of {@code index}, which the caller knows is held. */
    long termAt(long index) {
        int lo = 0;
        int hi = size - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (start[mid] <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return term[lo];
    }

    long lastTerm() {
        return size == 0 ? 0 : term[size - 1];
    }

    void truncateAfter(long lastKept) {
        while (size > 0 && start[size - 1] > lastKept) {
            size--;
        }
    }

    void dropBefore(long firstKept) {
        int from = 0;
        while (from + 1 < size && start[from + 1] <= firstKept) {
            from++;
        }
        if (from > 0) {
            System.arraycopy(start, from, start, 0, size - from);
            System.arraycopy(term, from, term, 0, size - from);
            size -= from;
        }
        if (size > 0 && start[0] < firstKept) {
            start[0] = firstKept;
        }
    }

    void clear() {
        size = 0;
    }
}
