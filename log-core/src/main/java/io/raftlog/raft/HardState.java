package io.raftlog.raft;

/** The Raft state that must survive a crash: the current term and whom this node voted for in it. */
public record HardState(long term, int votedFor) {
    public static final HardState INITIAL = new HardState(0, 0);
}
