package io.raftlog.raft;

public enum MessageType {
    PRE_VOTE,
    PRE_VOTE_RESPONSE,
    VOTE,
    VOTE_RESPONSE,
    /** AppendEntries; with no entries it is a heartbeat. */
    APPEND,
    APPEND_RESPONSE,
    /**
     * InstallSnapshot of a log without a state machine: the sender leads this term and compacted every entry
     * through {@code prevLogIndex} (term {@code prevLogTerm}). Answered with an APPEND_RESPONSE.
     */
    SNAPSHOT
}
