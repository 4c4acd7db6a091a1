package io.raftlog.pipeline;

/**
 * Whether a node can learn new commits: what a thread serving consumers reads to stop holding them on a node that
 * cannot. {@link NodeStatus} is the node's; tests stand in their own.
 */
public interface NodeStanding {
    /** Given System.nanoTime(), how long the node has known no leader (0 while it knows one). */
    long leaderlessNanos(long nowNanos);

    /** Given System.nanoTime(), how long its commit index has stood still below its leader's (0 if it has not). */
    long behindNanos(long nowNanos);

    /** The commit index its leader last sent it; its own where it leads or knows no leader. */
    long leaderCommit();

    /**
     * Given System.nanoTime(), how long the node's raft thread has handled no tick (about 0 while it runs): one
     * stuck (a write on a disk that hangs) learns nothing, while what it last published looks as good as ever.
     */
    long stalledNanos(long nowNanos);

    /** A node that always serves: a leader, or a follower that keeps up. */
    NodeStanding SERVING = new NodeStanding() {
        @Override
        public long leaderlessNanos(long nowNanos) {
            return 0;
        }

        @Override
        public long behindNanos(long nowNanos) {
            return 0;
        }

        @Override
        public long leaderCommit() {
            return 0;
        }

        @Override
        public long stalledNanos(long nowNanos) {
            return 0;
        }
    };
}
