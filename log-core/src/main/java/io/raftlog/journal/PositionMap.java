package io.raftlog.journal;

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
 *     (20 bytes for what is typically tens of entries: the map grows with the log until compaction).</li>
 * </ul>
 * A segment ends where the next one starts (the last one at the caller's last index): a document may hold
 * records past its segment's end (truncated ones), which are never served.
 *
 * <p>One writer thread changes it; any thread may read. Segments live in fixed-size pages (4,096 segments,
 * 80 KiB), so the map grows without ever copying what it holds: a long-running node adds a segment per
 * batch, and doubling flat arrays would stall the raft thread for the copy of all of them. A new segment is
 * written into spare room of its page and then published by a volatile store of the size, so appending
 * allocates nothing but a new page every 4,096 documents. Readers take {@link #snapshot()} and read its size
 * once: every segment below it is complete. Anything that would rewrite a published segment (truncation,
 * compaction) makes a new snapshot with its own copy of the page it changes (and no pages after it), so a
 * reader holding an old snapshot never sees a segment change under it; the only change made in place (a
 * single-entry dense segment becoming a packed document at ordinal 0) locates that entry exactly as before.
 */
final class PositionMap {
    /** The ordinal start of a dense segment. */
    static final int DENSE = -1;

    private static final int PAGE_BITS = 12;
    private static final int PAGE = 1 << PAGE_BITS;
    private static final int PAGE_MASK = PAGE - 1;

    static final class Snapshot {
        /** Page tables: segment {@code s} is slot {@code s & PAGE_MASK} of page {@code s >>> PAGE_BITS}. Pages past the size may be null. */
        final long[][] raftPages;
        final long[][] queuePages;
        final int[][] ordinalPages;
        /** Segments published so far; the writer appends in place behind it. */
        volatile int size;

        Snapshot(long[][] raftPages, long[][] queuePages, int[][] ordinalPages, int size) {
            this.raftPages = raftPages;
            this.queuePages = queuePages;
            this.ordinalPages = ordinalPages;
            this.size = size;
        }

        long raftStart(int segment) {
            return raftPages[segment >>> PAGE_BITS][segment & PAGE_MASK];
        }

        long queueStart(int segment) {
            return queuePages[segment >>> PAGE_BITS][segment & PAGE_MASK];
        }

        int ordinalStart(int segment) {
            return ordinalPages[segment >>> PAGE_BITS][segment & PAGE_MASK];
        }

        /** Whether the segment is a dense run (one record per document). */
        boolean isDense(int segment) {
            return ordinalStart(segment) == DENSE;
        }

        /** The queue index of the document holding Raft index {@code index}, which the caller knows is held; -1 if none. */
        long queueIndexOf(long index) {
            int s = segmentOf(index);
            return s < 0 ? -1 : queueIndexOf(s, index);
        }

        long queueIndexOf(int segment, long index) {
            return isDense(segment) ? queueStart(segment) + (index - raftStart(segment)) : queueStart(segment);
        }

        /** The record's place in its document. */
        int ordinalOf(int segment, long index) {
            int o = ordinalStart(segment);
            return o == DENSE ? 0 : (int) (o + (index - raftStart(segment)));
        }

        /** The last index of segment {@code segment} within a snapshot of {@code n} segments, or {@code last} for the final one. */
        long segmentEnd(int segment, int n, long last) {
            return segment + 1 < n ? raftStart(segment + 1) - 1 : last;
        }

        /** The last segment (below {@code n}) whose first index is at or below {@code index}, or -1. */
        int segmentOf(long index, int n) {
            if (n > 0 && raftStart(n - 1) <= index) {
                return n - 1; // the common case: reading what was written last
            }
            int lo = 0;
            int hi = n - 1;
            int found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (raftStart(mid) <= index) {
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

        /**
         * A copy of {@code size} segments sharing this one's pages below the page of segment {@code size}, with its own copy of that
         * page and none after it: what a change to published segments starts from.
         */
        Snapshot detached(int size) {
            int tables = raftPages.length;
            long[][] r = new long[tables][];
            long[][] q = new long[tables][];
            int[][] o = new int[tables][];
            int lastPage = size >>> PAGE_BITS;
            for (int page = 0; page < Math.min(lastPage, tables); page++) {
                r[page] = raftPages[page];
                q[page] = queuePages[page];
                o[page] = ordinalPages[page];
            }
            if (lastPage < tables && raftPages[lastPage] != null) {
                r[lastPage] = raftPages[lastPage].clone();
                q[lastPage] = queuePages[lastPage].clone();
                o[lastPage] = ordinalPages[lastPage].clone();
            }
            return new Snapshot(r, q, o, size);
        }
    }

    private volatile Snapshot snapshot = empty();
    /** Writer-only: the last index mapped (the end of the final segment), and where its record is. */
    private long lastMapped = -1;
    private long lastQueueIndex = -1;
    private int lastOrdinal = -1;

    private static Snapshot empty() {
        return new Snapshot(new long[4][], new long[4][], new int[4][], 0);
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
        int last = s.size - 1;
        boolean follows = last >= 0 && index == lastMapped + 1;
        try {
            if (follows) {
                int o = s.ordinalStart(last);
                if (o == DENSE) {
                    if (ordinal == 0 && queueIndex == s.queueStart(last) + (index - s.raftStart(last))) {
                        return; // the next document of a dense run
                    }
                    if (ordinal == 1 && queueIndex == lastQueueIndex && lastOrdinal == 0) {
                        // The previous entry starts this document: it becomes a packed segment.
                        if (s.raftStart(last) == lastMapped) {
                            // a single-entry run: the same position either way
                            s.ordinalPages[last >>> PAGE_BITS][last & PAGE_MASK] = 0;
                        } else {
                            add(lastMapped, queueIndex, 0);
                        }
                        return;
                    }
                } else if (queueIndex == s.queueStart(last) && ordinal == o + (index - s.raftStart(last))) {
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
        int page = n >>> PAGE_BITS;
        if (page == s.raftPages.length) {
            // A longer page table sharing every page: only the references are copied.
            int tables = s.raftPages.length * 2;
            s = new Snapshot(java.util.Arrays.copyOf(s.raftPages, tables), java.util.Arrays.copyOf(s.queuePages, tables),
                java.util.Arrays.copyOf(s.ordinalPages, tables), n);
            snapshot = s;
        }
        if (s.raftPages[page] == null) {
            s.raftPages[page] = new long[PAGE];
            s.queuePages[page] = new long[PAGE];
            s.ordinalPages[page] = new int[PAGE];
        }
        int at = n & PAGE_MASK;
        s.raftPages[page][at] = raftStart;
        s.queuePages[page][at] = queueStart;
        s.ordinalPages[page][at] = ordinalStart;
        s.size = n + 1; // publishes the segment's fields
    }

    /** Forgets every entry above {@code lastKept}. */
    void truncateAfter(long lastKept) {
        Snapshot s = snapshot;
        int keep = s.size;
        while (keep > 0 && s.raftStart(keep - 1) > lastKept) {
            keep--;
        }
        if (keep != s.size) {
            // Detached: the dropped segments' slots are reused by later appends, which readers of the old snapshot must not see.
            snapshot = s.detached(keep);
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
        while (from + 1 < n && s.raftStart(from + 1) <= firstKept) {
            from++;
        }
        // A fresh copy of what stays (compaction is rare and drops most of the map).
        int size = n - from;
        int tables = Math.max(4, Integer.highestOneBit(Math.max(1, (size + PAGE - 1) >>> PAGE_BITS)) << 1);
        Snapshot fresh = new Snapshot(new long[tables][], new long[tables][], new int[tables][], 0);
        for (int k = 0; k < size; k++) {
            int page = k >>> PAGE_BITS;
            if (fresh.raftPages[page] == null) {
                fresh.raftPages[page] = new long[PAGE];
                fresh.queuePages[page] = new long[PAGE];
                fresh.ordinalPages[page] = new int[PAGE];
            }
            long r = s.raftStart(from + k);
            long q = s.queueStart(from + k);
            int o = s.ordinalStart(from + k);
            if (k == 0 && r < firstKept) {
                if (o == DENSE) {
                    q += firstKept - r;
                } else {
                    o += (int) (firstKept - r);
                }
                r = firstKept;
            }
            fresh.raftPages[page][k & PAGE_MASK] = r;
            fresh.queuePages[page][k & PAGE_MASK] = q;
            fresh.ordinalPages[page][k & PAGE_MASK] = o;
        }
        fresh.size = size;
        snapshot = fresh;
    }

    void clear() {
        snapshot = empty();
        lastMapped = -1;
        lastQueueIndex = -1;
        lastOrdinal = -1;
    }
}
