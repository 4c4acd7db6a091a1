package io.raftlog.raft;

import static io.raftlog.raft.Nodes.ELECTION;
import static io.raftlog.raft.Nodes.config;
import static io.raftlog.raft.Nodes.logWithTerms;
import static io.raftlog.raft.Nodes.timeOut;
import static io.raftlog.raft.Nodes.vote;
import static io.raftlog.raft.Nodes.voteResponse;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Raft section 5.2 (leader election) and 5.4.1 (the election restriction). */
class RaftNodeElectionTest {

    private final Recorder out = new Recorder();

    private RaftNode node(int id, int size, MemoryRaftLog log, HardState hs) {
        return new RaftNode(config(id, size), log, hs, out);
    }

    @Test
    void restartsAsFollowerWithRecoveredTermVoteAndLog() {
        RaftNode node = node(1, 3, logWithTerms(1, 2), new HardState(4, 2));

        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.term()).isEqualTo(4);
        assertThat(node.votedFor()).isEqualTo(2);
        assertThat(node.commitIndex()).isZero();
        assertThat(node.lastIndex()).isEqualTo(2);
        assertThat(node.durableIndex()).isEqualTo(2);
    }

    @Test
    void electionTimeoutIsRandomWithinTToTwoT() {
        Set<Integer> timeouts = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            RaftNode node = new RaftNode(config(1, 3).withSeed(seed), new MemoryRaftLog(), HardState.INITIAL, out);
            int ticks = 0;
            while (node.role() == Role.FOLLOWER) {
                node.tick();
                ticks++;
            }
            assertThat(ticks).isBetween(ELECTION, 2 * ELECTION - 1);
            timeouts.add(ticks);
        }
        assertThat(timeouts).hasSizeGreaterThan(3);
    }

    @Test
    void sameSeedGivesSameTimeouts() {
        int[] ticks = new int[2];
        for (int run = 0; run < 2; run++) {
            RaftNode node = node(1, 3, new MemoryRaftLog(), HardState.INITIAL);
            while (node.role() == Role.FOLLOWER) {
                node.tick();
                ticks[run]++;
            }
        }
        assertThat(ticks[0]).isEqualTo(ticks[1]);
    }

    @Test
    void candidateVotesForItselfPersistsThenAsksEveryPeer() {
        RaftNode node = node(1, 3, logWithTerms(1, 1), HardState.INITIAL);
        timeOut(node);

        assertThat(node.role()).isEqualTo(Role.CANDIDATE);
        assertThat(node.term()).isEqualTo(1);
        assertThat(node.votedFor()).isEqualTo(1);
        assertThat(out.events).startsWith("persist 1 1");
        List<Message> votes = out.take(MessageType.VOTE);
        assertThat(votes).extracting(m -> m.to).containsExactly(2, 3);
        assertThat(votes).allSatisfy(m -> {
            assertThat(m.term).isEqualTo(1);
            assertThat(m.lastLogIndex).isEqualTo(2);
            assertThat(m.lastLogTerm).isEqualTo(1);
        });
    }

    @Test
    void candidateWinsOnlyOnStrictMajority() {
        RaftNode node = node(1, 5, new MemoryRaftLog(), HardState.INITIAL);
        timeOut(node);
        node.step(voteResponse(2, 1, 1, true));
        assertThat(node.role()).isEqualTo(Role.CANDIDATE);
        node.step(voteResponse(2, 1, 1, true)); // a duplicate is not a second vote
        assertThat(node.role()).isEqualTo(Role.CANDIDATE);
        node.step(voteResponse(3, 1, 1, true));
        assertThat(node.role()).isEqualTo(Role.LEADER);
        assertThat(node.leaderId()).isEqualTo(1);
    }

    @Test
    void candidateStepsDownWhenAMajorityRejects() {
        RaftNode node = node(1, 3, new MemoryRaftLog(), HardState.INITIAL);
        timeOut(node);
        node.step(voteResponse(2, 1, 1, false));
        node.step(voteResponse(3, 1, 1, false));
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.term()).isEqualTo(1);
    }

    @Test
    void candidateStepsDownOnceItCanNoLongerWinInAnEvenCluster() {
        // Four nodes, quorum three: after two rejections at most two votes remain, its own and one. It waited for a
        // third rejection (rejections counted up to a quorum) or its timeout.
        RaftNode node = node(1, 4, new MemoryRaftLog(), HardState.INITIAL);
        timeOut(node);
        node.step(voteResponse(2, 1, 1, false));
        assertThat(node.role()).isEqualTo(Role.CANDIDATE);
        node.step(voteResponse(3, 1, 1, false));
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.term()).isEqualTo(1);
    }

    @Test
    void candidateRetriesInNextTermAfterSplitVote() {
        RaftNode node = node(1, 3, new MemoryRaftLog(), HardState.INITIAL);
        timeOut(node);
        out.take();
        timeOut(node);
        assertThat(node.role()).isEqualTo(Role.CANDIDATE);
        assertThat(node.term()).isEqualTo(2);
        assertThat(out.take(MessageType.VOTE)).hasSize(2).allSatisfy(m -> assertThat(m.term).isEqualTo(2));
    }

    @Test
    void grantsVoteOnlyToCandidateWithUpToDateLog() {
        RaftNode node = node(1, 3, logWithTerms(1, 2, 2), HardState.INITIAL);

        node.step(vote(2, 1, 5, 10, 1)); // longer log, older last term
        assertThat(out.take(MessageType.VOTE_RESPONSE).get(0).granted).isFalse();
        node.step(vote(2, 1, 5, 2, 2)); // same last term, shorter
        assertThat(out.take(MessageType.VOTE_RESPONSE).get(0).granted).isFalse();
        node.step(vote(2, 1, 5, 3, 2)); // same last term, same length
        assertThat(out.take(MessageType.VOTE_RESPONSE).get(0).granted).isTrue();

        RaftNode other = new RaftNode(config(1, 3), logWithTerms(1, 2, 2), HardState.INITIAL, out);
        other.step(vote(3, 1, 5, 1, 3)); // shorter but newer last term
        assertThat(out.take(MessageType.VOTE_RESPONSE).get(0).granted).isTrue();
    }

    @Test
    void withoutTheElectionRestrictionAnOutOfDateCandidateGetsTheVote() {
        // The contrast to the test above, through the mutant the simulator's mutation tests use.
        RaftNode node = MutantNodes.WITHOUT_ELECTION_RESTRICTION.create(config(1, 3), logWithTerms(1, 2, 2),
            HardState.INITIAL, out);
        node.step(vote(2, 1, 5, 1, 1));
        assertThat(out.take(MessageType.VOTE_RESPONSE).get(0).granted).isTrue();
    }

    @Test
    void grantsAtMostOneVotePerTermAndPersistsItBeforeAnswering() {
        RaftNode node = node(1, 3, new MemoryRaftLog(), HardState.INITIAL);
        node.step(vote(2, 1, 3, 0, 0));
        assertThat(out.events).containsExactly("persist 3 0", "role FOLLOWER 3 0", "persist 3 2", "send VOTE_RESPONSE 2");
        out.take();

        node.step(vote(3, 1, 3, 0, 0));
        assertThat(out.take(MessageType.VOTE_RESPONSE).get(0).granted).isFalse();
        node.step(vote(2, 1, 3, 0, 0)); // the same candidate asking again gets the same answer
        assertThat(out.take(MessageType.VOTE_RESPONSE).get(0).granted).isTrue();
        assertThat(node.votedFor()).isEqualTo(2);
    }

    @Test
    void voteSurvivesRestartSoNoSecondVoteInTheSameTerm() {
        RaftNode restarted = node(1, 3, new MemoryRaftLog(), new HardState(3, 2));
        restarted.step(vote(3, 1, 3, 0, 0));
        assertThat(out.take(MessageType.VOTE_RESPONSE).get(0).granted).isFalse();
    }

    @Test
    void grantingAVoteResetsTheElectionTimer() {
        RaftNode node = node(1, 3, new MemoryRaftLog(), HardState.INITIAL);
        Nodes.tick(node, ELECTION - 1);
        node.step(vote(2, 1, 1, 0, 0));
        Nodes.tick(node, ELECTION - 1);
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
    }

    @Test
    void anyMessageWithHigherTermMakesTheNodeAFollowerOfThatTerm() {
        RaftNode node = node(1, 3, new MemoryRaftLog(), HardState.INITIAL);
        Nodes.elect(node, out);
        out.take();
        node.step(Nodes.ack(2, 1, 7, 0));
        assertThat(node.role()).isEqualTo(Role.FOLLOWER);
        assertThat(node.term()).isEqualTo(7);
        assertThat(node.votedFor()).isZero();
        assertThat(out.events).startsWith("persist 7 0");
    }

    @Test
    void staleVoteRequestIsRejectedWithTheCurrentTerm() {
        RaftNode node = node(1, 3, new MemoryRaftLog(), new HardState(5, 0));
        node.step(vote(2, 1, 4, 0, 0));
        Message answer = out.take(MessageType.VOTE_RESPONSE).get(0);
        assertThat(answer.granted).isFalse();
        assertThat(answer.term).isEqualTo(5);
        assertThat(node.term()).isEqualTo(5);
    }

    @Test
    void staleVoteResponsesDoNotCount() {
        RaftNode node = node(1, 3, new MemoryRaftLog(), new HardState(5, 0));
        timeOut(node); // candidate in term 6
        node.step(voteResponse(2, 1, 5, true));
        assertThat(node.role()).isEqualTo(Role.CANDIDATE);
    }

    @Test
    void singleNodeClusterElectsItselfAndCommitsOnItsOwnPersist() {
        MemoryRaftLog log = new MemoryRaftLog();
        RaftNode node = new RaftNode(config(1, 1), log, HardState.INITIAL, out);
        timeOut(node);
        assertThat(node.role()).isEqualTo(Role.LEADER);
        assertThat(node.commitIndex()).isZero();
        long index = Nodes.propose(node, 7);
        node.replicate();
        assertThat(out.sent).isEmpty();
        node.persisted(log.sync(), log.termAt(index));
        assertThat(node.commitIndex()).isEqualTo(index);
        assertThat(out.commitIndex).isEqualTo(index);
    }

    @Test
    void newLeaderAppendsANoopOfItsTermAndSendsIt() {
        MemoryRaftLog log = logWithTerms(1, 1);
        RaftNode node = new RaftNode(config(1, 3), log, new HardState(1, 0), out);
        Nodes.elect(node, out);
        assertThat(node.lastIndex()).isEqualTo(3);
        assertThat(log.termAt(3)).isEqualTo(2);
        assertThat(log.typeAt(3)).isEqualTo(EntryType.NOOP);
        assertThat(log.payloadAt(3)).isEmpty();
        List<Message> probes = out.take(MessageType.APPEND);
        assertThat(probes).extracting(m -> m.to).containsExactly(2, 3);
        assertThat(probes).allSatisfy(m -> { // first find each follower's position: empty, answered at once
            assertThat(m.prevLogIndex).isEqualTo(2);
            assertThat(m.prevLogTerm).isEqualTo(1);
            assertThat(m.entryCount).isZero();
        });
        node.step(Nodes.ack(2, 1, 2, 2));
        assertThat(out.take(MessageType.APPEND)).singleElement().satisfies(m -> {
            assertThat(m.to).isEqualTo(2);
            assertThat(m.prevLogIndex).isEqualTo(2);
            assertThat(m.entryCount).isEqualTo(1);
        });
    }
}
