package io.raftlog.journal;

/** A read asked for an entry that retention has already removed. */
public final class CompactedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long requestedIndex;
    private final long firstIndex;

    public CompactedException(long requestedIndex, long firstIndex) {
        super("entry " + requestedIndex + " was compacted; the log now starts at " + firstIndex);
        this.requestedIndex = requestedIndex;
        this.firstIndex = firstIndex;
    }

    public long requestedIndex() {
        return requestedIndex;
    }

    public long firstIndex() {
        return firstIndex;
    }
}
