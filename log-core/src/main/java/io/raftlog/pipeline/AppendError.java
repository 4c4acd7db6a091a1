package io.raftlog.pipeline;

/** Why a client append was not accepted; the server maps each to its wire error. */
public enum AppendError {
    /** This node is not the leader (or stopped being it before the entries committed): retry at the leader. */
    NOT_LEADER,
    /** Too many appends are waiting to commit, or the ring is full: retry later. */
    BUSY,
    /** The batch breaks a bound (entries per append, bytes per entry or per append). */
    TOO_LARGE,
    /** The request makes no sense (for example a retry that only partly overlaps what was committed). */
    INVALID
}
