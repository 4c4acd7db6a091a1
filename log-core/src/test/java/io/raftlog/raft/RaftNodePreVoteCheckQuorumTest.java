package io.raftlog.raft;

import static io.raftlog.raft.Nodes.ELECTION;
import static io.raftlog.raft.Nodes.config;
import static io.raftlog.raft.Nodes.logWithTerms;
import static io.raftlog.raft.Nodes.preVote;
import static io.raftlog.raft.Nodes.timeOut;
import static io.raftlog.raft.Nodes.vote;
import static io.raftlog.raft.Nodes.withFlags;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** PreVote and CheckQuorum with leader stickiness (Raft thesis 9.6). */
class RaftNodePreVoteCheckQuorumTest {

    private final Recorder out = new Recorder();

    @Test
    void preCandidateAsksWithTheNextTermWithoutRaisingItsOwn() {
        RaftNode node = new RaftNode(withFlags(config(1, 3), true, false), logWithTerms(1), new HardState(4, 0), out);
        timeOut(node);
        assertThat(node.role()).isEqualTo(Role.PRE_CANDIDATE);
        assertThat(node.term()).isEqualTo(4);
        assertThat(out.events).noneMatch(e -> e.startsWith("persist"));
        assertThat(out.take(MessageType.PRE_VOTE)).hasSize(2).allSatisfy(m -> {
            assertThat(m.term).isEqualTo(5);
            assertThat(m.lastLogIndex).isEqualTo(1);
        });
    }

    @Test
    void preCandidateBecomesCandidateOnlyAfterAMajorityOfPreVotes() {
        RaftNode node = new RaftNode(withFlags(config(1, 3), true, false), new MemoryRaftLog(), new HardState(4, 0), out);
        timeOut(node);
        Message granted = Nodes.message(MessageType.PRE_VOTE_RESPONSE, 2, 1, 5);
        granted.granted = true;
        node.step(granted);
        assertThat(node.role()).isEqualTo(Role.CANDIDATE);
        assertThat(node.term()).isEqualTo(5);
        assertThat(out.take(MessageType.VOTE)).hasSize(2);
    }

    @Test
    void preVoteIsGrantedWithoutChangingTheVotersTermOrVote() {
        RaftNode node = new RaftNode(withFlags(config(1, 3), true, false), logWithTerms(1), new HardState(4, 3), out);
        node.step(preVote(2, 1, 5, 1, 1));
        Message answer = out.take(MessageType.PRE_VOTE_RESPONSE).get(0);
        assertThat(answer.granted).isTrue();
        assertThat(answer.term).isEqualTo(5);
        assertThat(node.term()).isEqualTo(4);
        assertThat(node.votedFor()).isEqualTo(3);
    }

    @Test
    void preVoteIsRefusedToAnOutOfDateLog() {
        RaftNode node = new RaftNode(withFlags(config(1, 3), true, false), logWithTerms(1, 2), new HardState(4, 0), out);
        node.step(preVote(2, 1, 5, 5, 1));
        assertThat(out.take(MessageType.PRE_VOTE_RESPONSE).get(0).granted).isFalse();
    }

    @Test
    void partitionedNodeDoesNotInflateItsTerm() {
        TestCluster cluster = new TestCluster(3, c -> withFlags(c, true, true));
        cluster.run(3 * ELECTION);
        int leader = cluster.leader();
        int lonely = leader == 3 ? 1 : 3;
        long term = cluster.nodes[lonely].term();

        cluster.isolate(lonely, true);
        cluster.run(20 * ELECTION);

        assertThat(cluster.nodes[lonely].term()).isEqualTo(term);
        assertThat(cluster.nodes[lonely].role()).isEqualTo(Role.PRE_CANDIDATE);
    }

    @Test
    void returningPartitionedNodeDoesNotDisruptAHealthyLeader() {
        TestCluster cluster = new TestCluster(3, c -> withFlags(c, true, true));
        cluster.run(3 * ELECTION);
        int leader = cluster.leader();
        long term = cluster.nodes[leader].term();
        int lonely = leader == 3 ? 1 : 3;

        cluster.isolate(lonely, true);
        cluster.run(10 * ELECTION);
        cluster.propose(leader, 1);
        cluster.isolate(lonely, false);
        cluster.run(10 * ELECTION);

        assertThat(cluster.leader()).isEqualTo(leader);
        assertThat(cluster.nodes[leader].term()).isEqualTo(term);
        assertThat(cluster.nodes[lonely].leaderId()).isEqualTo(leader);
        assertThat(cluster.nodes[lonely].commitIndex()).isEqualTo(cluster.nodes[leader].commitIndex());
    }

    @Test
    void withoutPreVoteAReturningNodeDoesForceANewTerm() {
        // The contrast that shows what PreVote buys: the same scenario with PreVote off disrupts the leader.
        TestCluster cluster = new TestCluster(3, c -> withFlags(c, false, false));
        cluster.run(3 * ELECTION);
        int leader = cluster.leader();
        long term = cluster.nodes[leader].term();
        int lonely = leader == 3 ? 1 : 3;
        cluster.isolate(lonely, true);
        cluster.run(10 * ELECTION);
        cluster.isolate(lonely, false);
        cluster.run(10 * ELECTION);
        assertThat(cluster.nodes[cluster.leader()].term()).isGreaterThan(term);
    }

    @Test
    void leaderWithoutAQuorumStepsDownWithinAnElectionTimeout() {
        TestCluster cluster = new TestCluster(3, c -> withFlags(c, true, true));
        cluster.run(3 * ELECTION);
        int leader = cluster.leader();
        cluster.isolate(leader, true);
        cluster.run(2 * ELECTION);
        assertThat(cluster.nodes[leader].role()).isNotEqualTo(Role.LEADER);
    }

    @Test
    void leaderHearingFromAQuorumKeepsLeading() {
        TestCluster cluster = new TestCluster(3, c -> withFlags(c, true, true));
        cluster.run(3 * ELECTION);
        int leader = cluster.leader();
        long term = cluster.nodes[leader].term();
        cluster.isolate(leader == 3 ? 1 : 3, true); // one follower lost, a quorum remains
        cluster.run(10 * ELECTION);
        assertThat(cluster.leader()).isEqualTo(leader);
        assertThat(cluster.nodes[leader].term()).isEqualTo(term);
    }

    @Test
    void leaderKeepsLeadingWhileFollowersFlushSlowerThanAnElectionTimeout() {
        // Followers acknowledge entries only once durable. With flushes taking 4 election timeouts, a leader
        // that heard only those acknowledgements would count its followers inactive and step down; probes and
        // heartbeats without entries are answered at once, so it keeps its quorum (and still commits).
        TestCluster cluster = new TestCluster(3, c -> withFlags(c, true, true));
        cluster.flushEvery(4 * ELECTION);
        cluster.run(6 * ELECTION); // the first election happens under slow flushes: every follower is probed
        int leader = cluster.leader();
        assertThat(leader).isNotZero();
        long term = cluster.nodes[leader].term();
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 20; i++) {
                cluster.propose(leader, round * 100L + i);
            }
            cluster.run(4 * ELECTION);
        }
        assertThat(cluster.leader()).isEqualTo(leader);
        assertThat(cluster.nodes[leader].term()).isEqualTo(term);
        cluster.flushEvery(1);
        cluster.run(2 * ELECTION);
        assertThat(cluster.nodes[leader].commitIndex()).isEqualTo(cluster.nodes[leader].lastIndex()).isGreaterThan(100);
        assertThat(cluster.leader()).isEqualTo(leader);
        assertThat(cluster.nodes[leader].term()).isEqualTo(term);
    }

    @Test
    void followerWithALiveLeaderIgnoresVoteRequests() {
        RaftNode node = new RaftNode(withFlags(config(1, 3), false, true), new MemoryRaftLog(), new HardState(2, 0), out);
        node.step(Nodes.append(2, 1, 2, 0, 0, 0));
        out.take();

        node.step(vote(3, 1, 3, 5, 2));
        node.step(preVote(3, 1, 3, 5, 2));

        assertThat(out.sent).isEmpty();
        assertThat(node.term()).isEqualTo(2);
        assertThat(node.leaderId()).isEqualTo(2);
    }

    @Test
    void followerThatHasNotHeardFromTheLeaderForATimeoutVotesAgain() {
        RaftNode node = new RaftNode(withFlags(config(1, 3), false, true).withTicks(ELECTION, 2).withSeed(7),
            new MemoryRaftLog(), new HardState(2, 0), out);
        node.step(Nodes.append(2, 1, 2, 0, 0, 0));
        Nodes.tick(node, ELECTION);
        out.take();
        node.step(vote(3, 1, 3, 5, 2));
        assertThat(out.take(MessageType.VOTE_RESPONSE).get(0).granted).isTrue();
        assertThat(node.term()).isEqualTo(3);
    }
}
