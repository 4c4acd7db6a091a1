package io.raftlog.journal;

import java.util.Arrays;

/**
 * Maps Raft indexes to where their records live (a Chronicle Queue index and the record's place in that
 * document) without one slot per entry. The map is a list of segments, each starting at a Raft index, of
 * one of two shapes:
 * <ul>
 * <li>a dense run: one record per document, consecutive documents (journals written before records were
 *     batched, records too large to batch). Entry {@code i} lives alone in document {@code queueStart + (i -
 *     raftStart)}; a run grows without a new segment, so such a journal needs one per roll cycle, truncation
 *     or restart, as before;</li>
 * <li>a packed document: entry {@code i} is record {@code ordinalStart + (i - raftStart)} of document
 *     {@code queueStart}. The writer batches many records per document, so this is one segment per document
 *     (20 bytes for what is typically tens of entries).</li>
 * </ul>
 * A segment ends where the next one starts (the last one at the caller's last index): a document may hold
 * records past its segment's end (truncated ones), which are never served.
 *
 * <p>One writer thread changes it; any thread may read. A new segment is written into spare room of the
 * arrays and then published by a volatile store of the size, so appending allocates nothing until the
 * arrays fill up (then they double). Readers take {@link #snapshot()} and read its size once: every segment
 * below it is complete. Anything that would rewrite a published segment (truncation, compaction) copies the
 * arrays into a new snapshot instead, so a reader holding an old one never sees a segment change under it;
 * the only change made in place (a single-entry dense segment becoming a packed document at ordinal 0)
 * locates that entry exactly as before.
 */
final class PositionMap {
    /** The ordinal start of a dense segment. */
    static final int DENSE = -1;

    static final class Snapshot {
        final long[] raftStart;
        final long[] queueStart;
        final int[] ordinalStart;
        /** Segments published so far; the writer appends in place behind it. */
        volatile int size;

        Snapshot(long[] raftStart, long[] queueStart, int[] ordinalStart, int size) {
            this.raftStart = raftStart;
            this.queueStart = queueStart;
            this.ordinalStart = ordinalStart;
            this.size = size;
        }

        /** The queue index of the document holding Raft index {@code index}, which the caller knows is held; -1 if none. */
        long queueIndexOf(long index) {
            int s = segmentOf(index);
            return s < 0 ? -1 : queueIndexOf(s, index);
        }

        long queueIndexOf(int segment, long index) {
            return ordinalStart[segment] == DENSE ? queueStart[segment] + (index - raftStart[segment]) : queueStart[segment];
        }

        /** The record's place in its document. */
        int ordinalOf(int segment, long index) {
            int o = ordinalStart[segment];
            return o == DENSE ? 0 : (int) (o + (index - raftStart[segment]));
        }

        /** The last index of segment {@code segment} within a snapshot of {@code n} segments, or {@code last} for the final one. */
        long segmentEnd(int segment, int n, long last) {
            return segment + 1 < n ? raftStart[segment + 1] - 1 : last;
        }

        /** The last segment (below {@code n}) whose first index is at or below {@code index}, or -1. */
        int segmentOf(long index, int n) {
            if (n > 0 && raftStart[n - 1] <= index) {
                return n - 1; // the common case: reading what was written last
            }
            int lo = 0;
            int hi = n - 1;
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

        int segmentOf(long index) {
            return segmentOf(index, size);
        }
    }

    private static final int INITIAL_CAPACITY = 16;

    private volatile Snapshot snapshot = empty(INITIAL_CAPACITY);
    /** Writer-only: the last index mapped (the end of the final segment), and where its record is. */
    private long lastMapped = -1;
    private long lastQueueIndex = -1;
    private int lastOrdinal = -1;

    private static Snapshot empty(int capacity) {
        return new Snapshot(new long[capacity], new long[capacity], new int[capacity], 0);
    }

    Snapshot snapshot() {
        return snapshot;
    }

    /** Records that entry {@code index} was written alone at {@code queueIndex} (or is the first record of that document). */
    void appended(long index, long queueIndex) {
        appended(index, queueIndex, 0);
    }

    /** Records that {@code count} consecutive entries from {@code first} were written as the records of one document. */
    void documentWritten(long first, int count, long queueIndex) {
        appended(first, queueIndex, 0);
        if (count > 1) {
            appended(first + 1, queueIndex, 1); // makes the segment a packed document; the rest extend it
            lastMapped = first + count - 1;
            lastOrdinal = count - 1;
        }
    }

    /** Records that entry {@code index} is record {@code ordinal} of document {@code queueIndex}. */
    void appended(long index, long queueIndex, int ordinal) {
        Snapshot s = snapshot;
        int n = s.size;
        int last = n - 1;
        boolean follows = last >= 0 && index == lastMapped + 1;
        try {
            if (follows) {
                int o = s.ordinalStart[last];
                if (o == DENSE) {
                    if (ordinal == 0 && queueIndex == s.queueStart[last] + (index - s.raftStart[last])) {
                        return; // the next document of a dense run
                    }
                    if (ordinal == 1 && queueIndex == lastQueueIndex && lastOrdinal == 0) {
                        // The previous entry starts this document: it becomes a packed segment.
                        if (s.raftStart[last] == lastMapped) {
                            s.ordinalStart[last] = 0; // a single-entry run: same position either way
                        } else {
                            add(lastMapped, queueIndex, 0);
                        }
                        return;
                    }
                } else if (queueIndex == s.queueStart[last] && ordinal == o + (index - s.raftStart[last])) {
                    return; // the next record of the current packed document
                }
            }
            add(index, queueIndex, ordinal == 0 ? DENSE : ordinal);
        } finally {
            lastMapped = index;
            lastQueueIndex = queueIndex;
            lastOrdinal = ordinal;
        }
    }

    private void add(long raftStart, long queueStart, int ordinalStart) {
        Snapshot s = snapshot;
        int n = s.size;
        if (n == s.raftStart.length) {
            int capacity = n * 2;
            s = new Snapshot(Arrays.copyOf(s.raftStart, capacity), Arrays.copyOf(s.queueStart, capacity),
                Arrays.copyOf(s.ordinalStart, capacity), n);
            snapshot = s;
        }
        s.raftStart[n] = raftStart;
        s.queueStart[n] = queueStart;
        s.ordinalStart[n] = ordinalStart;
        s.size = n + 1; // publishes the segment's fields
    }

    /** Forgets every entry above {@code lastKept}. */
    void truncateAfter(long lastKept) {
        Snapshot s = snapshot;
        int keep = s.size;
        while (keep > 0 && s.raftStart[keep - 1] > lastKept) {
            keep--;
        }
        if (keep != s.size) {
            // A copy: the dropped segments' slots are reused by later appends, which readers of the old snapshot must not see.
            snapshot = new Snapshot(Arrays.copyOf(s.raftStart, Math.max(keep, INITIAL_CAPACITY)),
                Arrays.copyOf(s.queueStart, Math.max(keep, INITIAL_CAPACITY)),
                Arrays.copyOf(s.ordinalStart, Math.max(keep, INITIAL_CAPACITY)), keep);
        }
        if (lastMapped > lastKept) {
            // The next entry cannot extend the cut segment; it starts a new one (lastMapped no longer +1 of it).
            lastMapped = keep == 0 ? -1 : lastKept;
            lastQueueIndex = -1;
            lastOrdinal = -1;
        }
    }

    /** Forgets every entry below {@code firstKept}. */
    void dropBefore(long firstKept) {
        Snapshot s = snapshot;
        int n = s.size;
        if (n == 0) {
            return;
        }
        int from = 0;
        while (from + 1 < n && s.raftStart[from + 1] <= firstKept) {
            from++;
        }
        int size = n - from;
        int capacity = Math.max(size, INITIAL_CAPACITY);
        long[] r = Arrays.copyOf(Arrays.copyOfRange(s.raftStart, from, n), capacity);
        long[] q = Arrays.copyOf(Arrays.copyOfRange(s.queueStart, from, n), capacity);
        int[] o = Arrays.copyOf(Arrays.copyOfRange(s.ordinalStart, from, n), capacity);
        if (r[0] < firstKept) {
            if (o[0] == DENSE) {
                q[0] += firstKept - r[0];
            } else {
                o[0] += (int) (firstKept - r[0]);
            }
            r[0] = firstKept;
        }
        snapshot = new Snapshot(r, q, o, size);
    }

    void clear() {
        snapshot = empty(INITIAL_CAPACITY);
        lastMapped = -1;
        lastQueueIndex = -1;
        lastOrdinal = -1;
    }
}
