package io.raftlog.journal;

/**
 * What the journal holds, in memory: first and last index, the term just below the first, where each entry
 * lives and its term. Rebuilt by {@link JournalScan} at start-up and kept current by the writer.
 */
final class LogState {
    final PositionMap positions = new PositionMap();
    final TermRuns terms = new TermRuns();
    long firstIndex = 1;
    long lastIndex = 0;
    long termBeforeFirst = 0;
    /** True once a compaction record explained a first index above 1. */
    boolean compacted;

    boolean isEmpty() {
        return lastIndex < firstIndex;
    }

    long lastTerm() {
        return isEmpty() ? termBeforeFirst : terms.lastTerm();
    }

    long termAt(long index) {
        if (index == 0) {
            return 0;
        }
        if (index == firstIndex - 1) {
            return termBeforeFirst;
        }
        if (index < firstIndex || index > lastIndex) {
            throw new IndexOutOfBoundsException("term of index " + index + " asked, the log holds [" + firstIndex + ", " + lastIndex + "]");
        }
        return terms.termAt(index);
    }

    /** Entry {@code index} is record {@code ordinal} of document {@code queueIndex} (the start-up scan). */
    void appended(long index, long term, long queueIndex, int ordinal) {
        staged(index, term);
        positions.appended(index, queueIndex, ordinal);
    }

    /**
     * Entry {@code index} is in the log but not yet in a document: the writer maps its position once it
     * writes the document ({@link PositionMap#documentWritten}).
     */
    void staged(long index, long term) {
        if (isEmpty() && index != firstIndex) {
            firstIndex = index;
        }
        terms.appended(index, term);
        lastIndex = index;
    }

    void truncateAfter(long index) {
        positions.truncateAfter(index);
        terms.truncateAfter(index);
        lastIndex = index;
    }

    /** Forgets every entry; the log continues after {@code last} (the scan's replay of compacted history). */
    void resetTo(long last) {
        positions.clear();
        terms.clear();
        firstIndex = last + 1;
        lastIndex = last;
    }

    /** Back to the state of a journal that holds nothing (the start-up scan starting over). */
    void clear() {
        resetTo(0);
        termBeforeFirst = 0;
        compacted = false;
    }

    /** A leader's snapshot through {@code last} replaced the whole log: empty, continuing after it. */
    void installSnapshot(long last, long termOfLast) {
        resetTo(last);
        termBeforeFirst = termOfLast;
        compacted = true;
    }

    void compact(long newFirst, long termBefore) {
        if (newFirst > lastIndex) {
            positions.clear();
            terms.clear();
            lastIndex = newFirst - 1;
        } else {
            positions.dropBefore(newFirst);
            terms.dropBefore(newFirst);
        }
        firstIndex = newFirst;
        termBeforeFirst = termBefore;
        compacted = true;
    }
}
