package io.raftlog.raft;

/**
 * Where the core's outputs go. The core calls these synchronously from inside {@code tick}, {@code step},
 * {@code propose}, {@code replicate} and {@code persisted}, in an order the driver must keep:
 * {@link #persistHardState} is called before any message that depends on it is sent, and returns only once
 * the hard state is durable (a node must never vote twice in one term across a crash).
 */
public interface RaftOutput {

    /** Make (term, votedFor) durable before returning. votedFor is 0 for none. */
    void persistHardState(long term, int votedFor);

    /**
     * Send a message. The instance is reused by the core after the call returns, so encode it now; for
     * APPEND read the {@code entryCount} entries after {@code prevLogIndex} from the log now.
     */
    void send(Message message);

    /** The commit index advanced (never moves backwards). */
    void committed(long commitIndex);

    /** The role, term or known leader changed. leaderId is 0 when unknown. */
    void roleChanged(Role role, long term, int leaderId);
}
