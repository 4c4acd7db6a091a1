package io.raftlog.raft;

/**
 * The AppendEntries a leader has sent to one follower and not yet seen acknowledged, remembered by the last
 * index each carried: a fixed ring, so pipelining allocates nothing. Full means the leader waits.
 */
final class Inflights {
    private final long[] lastIndexes;
    private int head;
    private int count;

    Inflights(int capacity) {
        lastIndexes = new long[capacity];
    }

    boolean full() {
        return count == lastIndexes.length;
    }

    int count() {
        return count;
    }

    void add(long lastIndex) {
        if (full()) {
            throw new IllegalStateException("inflight window of " + lastIndexes.length + " is full");
        }
        lastIndexes[(head + count) % lastIndexes.length] = lastIndex;
        count++;
    }

    /** Forgets every message whose entries are all covered by {@code matchIndex}. */
    void freeUpTo(long matchIndex) {
        while (count > 0 && lastIndexes[head] <= matchIndex) {
            head = (head + 1) % lastIndexes.length;
            count--;
        }
    }

    void reset() {
        head = 0;
        count = 0;
    }
}
