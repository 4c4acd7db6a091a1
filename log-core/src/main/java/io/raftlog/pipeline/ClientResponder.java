package io.raftlog.pipeline;

/**
 * Where the raft thread answers client appends, identified as on the wire by (clientId, firstSequence).
 * Implementations queue the response for the client's connection and return at once (the raft thread
 * never blocks on a socket); a closed connection is silently ignored (the client retries with the same
 * sequence and gets the original indexes).
 */
public interface ClientResponder {

    /** The {@code count} entries of the append starting at {@code firstIndex} committed. */
    void appendAcked(long connectionId, long clientId, long firstSequence, long firstIndex, int count);

    /**
     * The append was not (or will not be) committed by this node. {@code leaderId} is the leader this node
     * knows, 0 if none; {@code detail} says what was wrong in words (may be null for NOT_LEADER and BUSY).
     */
    void appendFailed(long connectionId, long clientId, long firstSequence, AppendError error, int leaderId,
        String detail);

    /**
     * As {@link #appendFailed}, when the request was refused before any of it reached the log: it appended
     * nothing. A client may then send those sequences again as never sent, which matters where the leader's
     * session table has forgotten history and refuses a resend of a client it does not know (it cannot tell
     * whether an earlier send landed). {@code appendFailed} leaves that open: its request may have appended
     * some or all of its entries (a leader that stepped down with them uncommitted).
     */
    default void appendRefused(long connectionId, long clientId, long firstSequence, AppendError error, int leaderId,
        String detail) {
        appendFailed(connectionId, clientId, firstSequence, error, leaderId, detail);
    }
}
