package io.raftlog.journal;

/**
 * Maps Raft indexes to Chronicle Queue indexes without one slot per entry. Within a roll cycle, Chronicle
 * numbers documents densely, and consecutive entries are consecutive documents; so the map is a short list of
 * segments (first Raft index, its queue index), one new segment per roll cycle, truncation or restart.
 * Entry {@code i} of segment {@code s} lives at {@code queueStart[s] + (i - raftStart[s])}.
 *
 * <p>One writer thread changes it; any thread may read. Changes are rare (a new segment), so each one
 * publishes a fresh immutable {@link Snapshot} through a volatile field: readers never see a half-made one.
 * Appending within the current segment changes nothing here (the caller bounds reads by its last index).
 */
final class PositionMap {

    static final class Snapshot {
        final long[] raftStart;
        final long[] queueStart;
        final int size;

        Snapshot(long[] raftStart, long[] queueStart, int size) {
            this.raftStart = raftStart;
            this.queueStart = queueStart;
            this.size = size;
        }

        /** The queue index of Raft index {@code index}, which the caller knows is held; -1 if none. */
        long queueIndexOf(long index) {
            int s = size - 1;
            if (s < 0) {
                return -1;
            }
            if (index < raftStart[s]) {
                s = segmentOf(index);
                if (s < 0) {
                    return -1;
                }
            }
            return queueStart[s] + (index - raftStart[s]);
        }

        /** Binary search: the last segment whose first index is at or below {@code index}. */
        int segmentOf(long index) {
            int lo = 0;
            int hi = size - 1;
            int found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (raftStart[mid] <= index) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return found;
        }
    }

    private static final Snapshot EMPTY = new Snapshot(new long[0], new long[0], 0);

    private volatile Snapshot snapshot = EMPTY;

    Snapshot snapshot() {
        return snapshot;
    }

    /** Records that entry {@code index} was written at {@code queueIndex}; a new segment only when not contiguous. */
    void appended(long index, long queueIndex) {
        Snapshot s = snapshot;
        int last = s.size - 1;
        if (last >= 0 && queueIndex - s.queueStart[last] == index - s.raftStart[last]) {
            return; // the common case: the next document of the current segment
        }
        long[] r = java.util.Arrays.copyOf(s.raftStart, s.size + 1);
        long[] q = java.util.Arrays.copyOf(s.queueStart, s.size + 1);
        r[s.size] = index;
        q[s.size] = queueIndex;
        snapshot = new Snapshot(r, q, s.size + 1);
    }

    /** Forgets every entry above {@code lastKept}. */
    void truncateAfter(long lastKept) {
        Snapshot s = snapshot;
        int keep = s.size;
        while (keep > 0 && s.raftStart[keep - 1] > lastKept) {
            keep--;
        }
        if (keep != s.size) {
            snapshot = new Snapshot(java.util.Arrays.copyOf(s.raftStart, keep), java.util.Arrays.copyOf(s.queueStart, keep), keep);
        }
    }

    /** Forgets every entry below {@code firstKept}. */
    void dropBefore(long firstKept) {
        Snapshot s = snapshot;
        int from = 0;
        while (from + 1 < s.size && s.raftStart[from + 1] <= firstKept) {
            from++;
        }
        if (s.size == 0) {
            return;
        }
        long[] r = java.util.Arrays.copyOfRange(s.raftStart, from, s.size);
        long[] q = java.util.Arrays.copyOfRange(s.queueStart, from, s.size);
        if (r[0] < firstKept) {
            q[0] += firstKept - r[0];
            r[0] = firstKept;
        }
        snapshot = new Snapshot(r, q, r.length);
    }

    void clear() {
        snapshot = EMPTY;
    }
}
