package io.raftlog.journal;

/**
 * The journal holds a damaged record that is not a torn tail (whole records follow it), or its records
 * contradict each other. The node must not start on it: it would serve or replicate corrupt data.
 */
public final class JournalCorruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JournalCorruptedException(String message) {
        super(message);
    }
}
