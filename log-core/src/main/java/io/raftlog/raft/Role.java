package io.raftlog.raft;

public enum Role {
    FOLLOWER,
    /** Asking (PreVote, Raft thesis 9.6) whether it could win, without having raised its term. */
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}
