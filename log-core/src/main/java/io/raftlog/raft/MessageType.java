package io.raftlog.raft;

public enum MessageType {
    PRE_VOTE,
    PRE_VOTE_RESPONSE,
    VOTE,
    VOTE_RESPONSE,
    /** AppendEntries; with no entries it is a heartbeat. */
    APPEND,
    APPEND_RESPONSE
}
