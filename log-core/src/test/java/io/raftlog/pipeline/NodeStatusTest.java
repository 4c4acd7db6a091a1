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

    @Test
    void behindTimeRunsFromTheLastMoveOfTheCommitIndexWhileTheLeadersIsAbove() {
        NodeStatus status = new NodeStatus(2, new int[] {1, 2, 3});
        status.roleChanged(Role.FOLLOWER, 1, 1);
        status.update(10, 1, 10, 10, 10);
        assertThat(status.behindNanos(System.nanoTime() + 10 * SECOND)).isZero();

        long beforeMove = System.nanoTime();
        status.update(12, 1, 12, 12, 20); // moved, but the leader has committed more: behind from this move on
        long afterMove = System.nanoTime();
        status.update(12, 1, 12, 12, 25); // stood still: the count goes on
        assertThat(status.behindNanos(afterMove + SECOND)).isBetween(SECOND, SECOND + (afterMove - beforeMove));
        assertThat(status.leaderCommit()).isEqualTo(25);

        status.update(25, 1, 25, 25, 25); // caught up
        assertThat(status.behindNanos(System.nanoTime() + 10 * SECOND)).isZero();
    }

    @Test
    void stalledTimeRunsFromTheLastTickTheRaftThreadHandled() {
        long beforeStart = System.nanoTime();
        NodeStatus status = new NodeStatus(1, new int[] {1, 2, 3});
        long afterStart = System.nanoTime();
        assertThat(status.stalledNanos(afterStart + SECOND)).isBetween(SECOND, SECOND + (afterStart - beforeStart));
        status.ticked(afterStart + 5 * SECOND);
        assertThat(status.stalledNanos(afterStart + 5 * SECOND)).isZero();
        assertThat(status.stalledNanos(afterStart + 7 * SECOND)).isEqualTo(2 * SECOND);
        assertThat(status.stalledNanos(afterStart)).isZero(); // a reading clock behind: never negative
    }

    @Test
    void behindTimeStartsAgainUnderANewLeader() {
        NodeStatus status = new NodeStatus(2, new int[] {1, 2, 3, 4, 5});
        status.roleChanged(Role.FOLLOWER, 1, 1);
        long beforeOld = System.nanoTime();
        status.update(12, 1, 12, 12, 20); // behind leader 1, whose entries do not come
        long afterOld = System.nanoTime();
        assertThat(status.behindNanos(afterOld + SECOND)).isBetween(SECOND, SECOND + (afterOld - beforeOld));

        status.roleChanged(Role.FOLLOWER, 2, 3); // leader 3 of term 2, straight from leader 1: no leaderless batch
        assertThat(status.behindNanos(System.nanoTime() + 10 * SECOND)).isZero();
        long beforeNew = System.nanoTime();
        status.update(12, 1, 12, 12, 25); // leader 3 has committed more: behind it from now, not from leader 1's time
        long afterNew = System.nanoTime();
        assertThat(status.behindNanos(afterNew + SECOND)).isBetween(SECOND, SECOND + (afterNew - beforeNew));
    }
}
