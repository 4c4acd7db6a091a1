package io.raftlog.raft;

import java.util.Arrays;

/**
 * Static settings of one Raft node. Time is counted in ticks of the driver's clock (the server ticks
 * every few milliseconds; the simulator ticks when it likes).
 *
 * @param nodeId              this node's id, greater than 0
 * @param members             ids of every voting member, this node included (static membership)
 * @param electionTicks       T: the election timeout is drawn uniformly from [T, 2T)
 * @param heartbeatTicks      the leader sends a heartbeat to an idle follower this often; less than T
 * @param maxInflight         AppendEntries messages in flight per follower before the leader waits
 * @param maxEntriesPerAppend bound on entries in one AppendEntries
 * @param maxBytesPerAppend   bound on payload bytes in one AppendEntries (one larger entry still goes alone)
 * @param preVote             run PreVote before raising the term (Raft thesis 9.6)
 * @param checkQuorum         leaders step down without a quorum; followers ignore votes while a leader is live
 * @param seed                seed of the election-timeout randomness
 */
public record RaftConfig(
    int nodeId,
    int[] members,
    int electionTicks,
    int heartbeatTicks,
    int maxInflight,
    int maxEntriesPerAppend,
    long maxBytesPerAppend,
    boolean preVote,
    boolean checkQuorum,
    long seed) {

    public RaftConfig {
        members = members.clone();
        Arrays.sort(members);
        if (nodeId <= 0) {
            throw new IllegalArgumentException("nodeId must be > 0: " + nodeId);
        }
        if (Arrays.binarySearch(members, nodeId) < 0) {
            throw new IllegalArgumentException("nodeId " + nodeId + " is not among members " + Arrays.toString(members));
        }
        for (int i = 0; i < members.length; i++) {
            if (members[i] <= 0 || (i > 0 && members[i] == members[i - 1])) {
                throw new IllegalArgumentException("member ids must be distinct and > 0: " + Arrays.toString(members));
            }
        }
        if (electionTicks < 2 || heartbeatTicks < 1 || heartbeatTicks >= electionTicks) {
            throw new IllegalArgumentException("need 1 <= heartbeatTicks < electionTicks, got heartbeat="
                + heartbeatTicks + " election=" + electionTicks);
        }
        if (maxInflight < 1 || maxEntriesPerAppend < 1 || maxBytesPerAppend < 1) {
            throw new IllegalArgumentException("maxInflight, maxEntriesPerAppend and maxBytesPerAppend must be >= 1");
        }
    }

    /** Defaults that suit a server ticking every 10 ms: elections after 150-300 ms, heartbeats every 30 ms. */
    public static RaftConfig defaults(int nodeId, int[] members, long seed) {
        return new RaftConfig(nodeId, members, 15, 3, 64, 4096, 1L << 20, true, true, seed);
    }

    public RaftConfig withTicks(int election, int heartbeat) {
        return new RaftConfig(nodeId, members, election, heartbeat, maxInflight, maxEntriesPerAppend,
            maxBytesPerAppend, preVote, checkQuorum, seed);
    }

    public RaftConfig withReplicationBounds(int inflight, int entries, long bytes) {
        return new RaftConfig(nodeId, members, electionTicks, heartbeatTicks, inflight, entries, bytes,
            preVote, checkQuorum, seed);
    }

    public RaftConfig withSeed(long newSeed) {
        return new RaftConfig(nodeId, members, electionTicks, heartbeatTicks, maxInflight, maxEntriesPerAppend,
            maxBytesPerAppend, preVote, checkQuorum, newSeed);
    }

    public int quorum() {
        return members.length / 2 + 1;
    }

    @Override
    public int[] members() {
        return members.clone();
    }
}
