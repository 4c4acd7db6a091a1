package io.raftlog.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlog.raft.Role;
import org.junit.jupiter.api.Test;

/** How long a node has known no leader: what the fetch thread reads to stop holding consumers on it. */
class NodeStatusTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void leaderlessTimeRunsFromLosingTheLeaderThroughElectionsUntilOneIsKnown() {
        long beforeStart = System.nanoTime();
        NodeStatus status = new NodeStatus(1, new int[] {1, 2, 3});
        // A node starts without a leader.
        assertThat(status.leaderlessNanos(beforeStart + 10 * SECOND)).isBetween(9 * SECOND, 10 * SECOND);

        status.roleChanged(Role.FOLLOWER, 1, 2);
        assertThat(status.leaderlessNanos(System.nanoTime() + 10 * SECOND)).isZero();

        long beforeLoss = System.nanoTime();
        status.roleChanged(Role.PRE_CANDIDATE, 1, 0);
        long afterLoss = System.nanoTime();
        // Campaigning does not restart the count: only a leader ends it.
        status.roleChanged(Role.CANDIDATE, 2, 0);
        status.roleChanged(Role.FOLLOWER, 3, 0);
        assertThat(status.leaderlessNanos(afterLoss + SECOND)).isBetween(SECOND, SECOND + (afterLoss - beforeLoss));
        assertThat(status.leaderlessNanos(beforeLoss - SECOND)).isZero(); // a reading clock behind: never negative

        status.roleChanged(Role.LEADER, 3, 1);
        assertThat(status.leaderlessNanos(System.nanoTime() + 10 * SECOND)).isZero();
    }
}
