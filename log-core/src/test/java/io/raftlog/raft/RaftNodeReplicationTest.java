package io.raftlog.raft;

import static io.raftlog.raft.Nodes.ELECTION;
import static io.raftlog.raft.Nodes.HEARTBEAT;
import static io.raftlog.raft.Nodes.ack;
import static io.raftlog.raft.Nodes.append;
import static io.raftlog.raft.Nodes.config;
import static io.raftlog.raft.Nodes.logWithTerms;
import static io.raftlog.raft.Nodes.propose;
import static io.raftlog.raft.Nodes.reject;
import static io.raftlog.raft.Nodes.voteResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Raft section 5.3 (log replication) and 5.4.2 (committing), with pipelining and durable acknowledgements. */
class RaftNodeReplicationTest {

    private final Recorder out = new Recorder();

    /** Node 1 leads term 1 of a 3-node cluster; both followers acknowledged the no-op, which committed. */
    private RaftNode steadyLeader(RaftConfig config, MemoryRaftLog log) {
        RaftNode leader = new RaftNode(config, log, HardState.INITIAL, out);
        Nodes.elect(leader, out);
        leader.persisted(log.sync(), 1);
        leader.step(ack(2, 1, 1, 1));
        leader.step(ack(3, 1, 1, 1));
        assertThat(leader.commitIndex()).isEqualTo(1);
        out.take();
        return leader;
    }

    private static List<Message> to(int peer, List<Message> messages) {
        return messages.stream().filter(m -> m.to == peer).toList();
    }

    @Test
    void leaderPipelinesAppendsWithoutWaitingForReplies() {
        RaftNode leader = steadyLeader(config(1, 3), new MemoryRaftLog());
        for (int i = 0; i < 20; i++) {
            propose(leader, i);
        }
        assertThat(out.sent).isEmpty(); // propose only appends
        leader.replicate();
        List<Message> toTwo = to(2, out.take(MessageType.APPEND));
        assertThat(toTwo).extracting(m -> m.prevLogIndex).containsExactly(1L, 9L, 17L);
        assertThat(toTwo).extracting(m -> m.entryCount).containsExactly(8, 8, 4);
        assertThat(leader.nextIndex(2)).isEqualTo(22);
    }

    @Test
    void pipelineStopsAtTheInflightWindowAndMovesAsAcknowledgementsArrive() {
        RaftNode leader = steadyLeader(config(1, 3), new MemoryRaftLog());
        for (int i = 0; i < 50; i++) {
            propose(leader, i);
        }
        leader.replicate();
        assertThat(to(2, out.take(MessageType.APPEND))).hasSize(4); // the window
        leader.replicate();
        assertThat(out.sent).isEmpty();

        leader.step(ack(2, 1, 1, 9)); // the first message's entries are durable on node 2
        List<Message> more = out.take(MessageType.APPEND);
        assertThat(more).hasSize(1);
        assertThat(more.get(0).prevLogIndex).isEqualTo(33);
    }

    @Test
    void appendEntriesAreBoundedByBytesAsWellAsCount() {
        RaftConfig config = config(1, 3).withReplicationBounds(4, 8, 20);
        RaftNode leader = steadyLeader(config, new MemoryRaftLog());
        for (int i = 0; i < 5; i++) {
            propose(leader, i);
        }
        leader.replicate();
        assertThat(to(2, out.take(MessageType.APPEND))).extracting(m -> m.entryCount).containsExactly(2, 2, 1);
    }

    @Test
    void followerAcknowledgesOnlyDurableEntriesAndCoalescesAcknowledgements() {
        MemoryRaftLog log = new MemoryRaftLog();
        RaftNode follower = new RaftNode(config(2, 3), log, HardState.INITIAL, out);
        follower.step(append(1, 2, 1, 0, 0, 0, 1, 1));
        follower.step(append(1, 2, 1, 2, 1, 0, 1, 1, 1));
        assertThat(out.take(MessageType.APPEND_RESPONSE)).isEmpty();
        assertThat(follower.lastIndex()).isEqualTo(5);

        follower.persisted(log.sync(), 1);

        List<Message> acks = out.take(MessageType.APPEND_RESPONSE);
        assertThat(acks).hasSize(1);
        assertThat(acks.get(0).success).isTrue();
        assertThat(acks.get(0).matchIndex).isEqualTo(5);
        assertThat(acks.get(0).term).isEqualTo(1);
    }

    @Test
    void followerAcknowledgesOnlyEntriesVerifiedAgainstTheCurrentLeader() {
        // Entries 1..3 survive from an old term; the new leader has verified only up to 1 so far.
        MemoryRaftLog log = logWithTerms(1, 1, 1);
        RaftNode follower = new RaftNode(config(2, 3), log, new HardState(1, 0), out);
        follower.step(append(1, 2, 2, 1, 1, 0));
        Message answer = out.take(MessageType.APPEND_RESPONSE).get(0);
        assertThat(answer.success).isTrue();
        assertThat(answer.matchIndex).isEqualTo(1);
    }

    @Test
    void followerAnswersHeartbeatsAtOnce() {
        RaftNode follower = new RaftNode(config(2, 3), logWithTerms(1), HardState.INITIAL, out);
        follower.step(append(1, 2, 1, 1, 1, 1));
        List<Message> answers = out.take(MessageType.APPEND_RESPONSE);
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).success).isTrue();
        assertThat(answers.get(0).matchIndex).isEqualTo(1);
    }

    @Test
    void followerRejectsWhenItsLogIsTooShortAndSaysHowLongItIs() {
        RaftNode follower = new RaftNode(config(2, 3), logWithTerms(1, 1), HardState.INITIAL, out);
        follower.step(append(1, 2, 2, 7, 2, 0, 2));
        Message answer = out.take(MessageType.APPEND_RESPONSE).get(0);
        assertThat(answer.success).isFalse();
        assertThat(answer.conflictTerm).isZero();
        assertThat(answer.conflictIndex).isEqualTo(3);
        assertThat(answer.matchIndex).as("the rejected prevLogIndex").isEqualTo(7);
        assertThat(follower.lastIndex()).isEqualTo(2);
    }

    @Test
    void followerRejectsAConflictWithTheConflictingTermAndItsFirstIndex() {
        RaftNode follower = new RaftNode(config(2, 3), logWithTerms(1, 1, 2, 2, 2), new HardState(2, 0), out);
        follower.step(append(1, 2, 3, 5, 3, 0, 3));
        Message answer = out.take(MessageType.APPEND_RESPONSE).get(0);
        assertThat(answer.success).isFalse();
        assertThat(answer.conflictTerm).isEqualTo(2);
        assertThat(answer.conflictIndex).isEqualTo(3);
    }

    @Test
    void followerTruncatesItsConflictingUncommittedSuffix() {
        MemoryRaftLog log = logWithTerms(1, 1, 2, 2);
        RaftNode follower = new RaftNode(config(2, 3), log, new HardState(2, 0), out);
        follower.step(append(1, 2, 3, 2, 1, 0, 3));
        assertThat(follower.lastIndex()).isEqualTo(3);
        assertThat(log.termAt(3)).isEqualTo(3);
        assertThat(follower.durableIndex()).as("the replacement is not durable yet").isEqualTo(2);
    }

    @Test
    void followerKeepsEntriesBeyondAnOldShorterAppendOfTheSameLeader() {
        MemoryRaftLog log = new MemoryRaftLog();
        RaftNode follower = new RaftNode(config(2, 3), log, HardState.INITIAL, out);
        follower.step(append(1, 2, 1, 0, 0, 0, 1, 1, 1, 1));
        follower.step(append(1, 2, 1, 0, 0, 0, 1)); // a delayed duplicate of an earlier message
        assertThat(follower.lastIndex()).isEqualTo(4);
    }

    @Test
    void followerRefusesToTruncateACommittedEntry() {
        MemoryRaftLog log = new MemoryRaftLog();
        RaftNode follower = new RaftNode(config(2, 3), log, HardState.INITIAL, out);
        follower.step(append(1, 2, 1, 0, 0, 2, 1, 1));
        assertThat(follower.commitIndex()).isEqualTo(2);
        assertThatThrownBy(() -> follower.step(append(3, 2, 2, 1, 1, 0, 2)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("at or below commit index 2");
        assertThat(follower.lastIndex()).isEqualTo(2);
        assertThat(follower.commitIndex()).isEqualTo(2);
        // Refused before anything changed: its higher term was adopted, with node 3 as leader, before.
        assertThat(follower.term()).isEqualTo(1);
        assertThat(follower.leaderId()).isEqualTo(1);
    }

    @Test
    void leaderBacksUpAWholeTermWhenItLacksTheConflictingTerm() {
        // Leader [1,1,3,3] elected in term 4 (no-op at 5); the follower holds [1,1,2,2,2,2] from term 2.
        MemoryRaftLog log = logWithTerms(1, 1, 3, 3);
        RaftNode leader = new RaftNode(config(1, 3), log, new HardState(3, 0), out);
        Nodes.elect(leader, out);
        out.take();
        leader.step(reject(2, 1, 4, 4, 2, 3));
        Message probe = to(2, out.take(MessageType.APPEND)).get(0);
        assertThat(probe.prevLogIndex).isEqualTo(2);
        assertThat(probe.prevLogTerm).isEqualTo(1);
    }

    @Test
    void leaderSkipsToTheEndOfTheConflictingTermWhenItHasIt() {
        // Leader [1,1,2,2,3,3] elected in term 4 (no-op at 7); the follower holds [1,1,2,2,2,2,2,2].
        MemoryRaftLog log = logWithTerms(1, 1, 2, 2, 3, 3);
        RaftNode leader = new RaftNode(config(1, 3), log, new HardState(3, 0), out);
        Nodes.elect(leader, out);
        out.take();
        leader.step(reject(2, 1, 4, 6, 2, 3));
        Message probe = to(2, out.take(MessageType.APPEND)).get(0);
        assertThat(probe.prevLogIndex).isEqualTo(4);
        assertThat(probe.prevLogTerm).isEqualTo(2);
    }

    @Test
    void afterARejectionTheLeaderProbesOneMessageAtATime() {
        RaftNode leader = steadyLeader(config(1, 3), new MemoryRaftLog());
        for (int i = 0; i < 30; i++) {
            propose(leader, i);
        }
        leader.replicate();
        out.take();
        leader.step(reject(2, 1, 1, 9, 0, 2)); // node 2 lost its log after index 1
        assertThat(to(2, out.take(MessageType.APPEND))).hasSize(1)
            .allSatisfy(m -> assertThat(m.prevLogIndex).isEqualTo(1));
        propose(leader, 99);
        leader.replicate();
        assertThat(to(2, out.take(MessageType.APPEND))).isEmpty();

        leader.step(ack(2, 1, 1, 9)); // the probe matched: stream again
        assertThat(to(2, out.take(MessageType.APPEND))).hasSizeGreaterThan(1);
    }

    @Test
    void staleRejectionIsIgnored() {
        RaftNode leader = steadyLeader(config(1, 3), new MemoryRaftLog());
        for (int i = 0; i < 30; i++) {
            propose(leader, i);
        }
        leader.replicate();
        out.take();
        leader.step(ack(2, 1, 1, 17));
        out.take();
        leader.step(reject(2, 1, 1, 9, 0, 2)); // refers to an index already acknowledged
        assertThat(leader.nextIndex(2)).isGreaterThan(17);
        assertThat(out.sent).isEmpty();
    }

    @Test
    void leaderCountsItsOwnEntriesOnlyOnceTheyAreDurable() {
        MemoryRaftLog log = new MemoryRaftLog();
        RaftNode leader = new RaftNode(config(1, 5), log, HardState.INITIAL, out);
        Nodes.elect(leader, out);
        leader.step(ack(2, 1, 1, 1));
        leader.step(ack(3, 1, 1, 1));
        assertThat(leader.commitIndex()).as("two of five plus a leader that has not flushed").isZero();
        leader.persisted(log.sync(), 1);
        assertThat(leader.commitIndex()).isEqualTo(1);
        assertThat(leader.matchIndex(1)).isEqualTo(1);
    }

    @Test
    void leaderDoesNotCommitEntriesFromOlderTermByCounting() {
        MemoryRaftLog log = logWithTerms(1, 1);
        RaftNode leader = new RaftNode(config(1, 3), log, new HardState(1, 0), out);
        Nodes.elect(leader, out); // term 2, no-op at 3
        leader.persisted(log.sync(), 2);
        leader.step(ack(2, 1, 2, 2)); // a majority holds 1..2, but they are from term 1
        assertThat(leader.commitIndex()).isZero();
        leader.step(ack(2, 1, 2, 3)); // the no-op of term 2 on a majority commits everything before it
        assertThat(leader.commitIndex()).isEqualTo(3);
    }

    @Test
    void withoutTheCurrentTermRuleTheSameAcknowledgementsWouldCommitTheOldEntries() {
        // The contrast to the test above, through the mutant the simulator's mutation tests use.
        MemoryRaftLog log = logWithTerms(1, 1);
        RaftNode leader = MutantNodes.WITHOUT_CURRENT_TERM_COMMIT_RULE.create(config(1, 3), log, new HardState(1, 0), out);
        Nodes.elect(leader, out);
        leader.persisted(log.sync(), 2);
        leader.step(ack(2, 1, 2, 2));
        assertThat(leader.commitIndex()).isEqualTo(2);
    }

    @Test
    void acknowledgementFromAnOlderTermNeverCounts() {
        MemoryRaftLog log = logWithTerms(1, 1);
        RaftNode leader = new RaftNode(config(1, 3), log, new HardState(1, 0), out);
        Nodes.elect(leader, out);
        leader.persisted(log.sync(), 2);
        leader.step(ack(2, 1, 1, 3));
        leader.step(ack(3, 1, 1, 3));
        assertThat(leader.matchIndex(2)).isZero();
        assertThat(leader.commitIndex()).isZero();
        assertThat(leader.role()).isEqualTo(Role.LEADER);
    }

    @Test
    void followerCommitsNoFurtherThanTheEntriesItVerified() {
        MemoryRaftLog log = logWithTerms(1, 1, 1, 1); // 3..4 may not be the new leader's
        RaftNode follower = new RaftNode(config(2, 3), log, new HardState(1, 0), out);
        follower.step(append(1, 2, 2, 2, 1, 9));
        assertThat(follower.commitIndex()).isEqualTo(2);
        follower.step(append(1, 2, 2, 2, 1, 9, 1, 2));
        assertThat(follower.commitIndex()).isEqualTo(4);
    }

    @Test
    void commitIndexReachesFollowersOnHeartbeats() {
        RaftNode leader = steadyLeader(config(1, 3), new MemoryRaftLog());
        Nodes.tick(leader, HEARTBEAT);
        List<Message> heartbeats = out.take(MessageType.APPEND);
        assertThat(heartbeats).hasSize(2).allSatisfy(m -> {
            assertThat(m.entryCount).isZero();
            assertThat(m.leaderCommit).isEqualTo(1);
            assertThat(m.prevLogIndex).isEqualTo(1);
        });
    }

    @Test
    void lostAppendIsResentWhenAFollowerMakesNoProgressForAnElectionTimeout() {
        // The backstop when even the heartbeats' answers are lost.
        RaftNode leader = steadyLeader(config(1, 3), new MemoryRaftLog());
        propose(leader, 1);
        leader.replicate();
        out.take(); // lost on the way
        Nodes.tick(leader, ELECTION + HEARTBEAT);
        // Back to probing at the acknowledged index: an empty append, answered at once.
        assertThat(to(2, out.take(MessageType.APPEND))).anySatisfy(m -> {
            assertThat(m.prevLogIndex).isEqualTo(1);
            assertThat(m.entryCount).isZero();
        });
        leader.step(ack(2, 1, 1, 1));
        assertThat(to(2, out.take(MessageType.APPEND))).singleElement().satisfies(m -> {
            assertThat(m.prevLogIndex).isEqualTo(1);
            assertThat(m.entryCount).isEqualTo(1);
        });
    }

    @Test
    void lostLastAppendIsFoundByTheNextHeartbeatNotAStallTimeout() {
        RaftNode leader = steadyLeader(config(1, 3), new MemoryRaftLog());
        propose(leader, 1);
        leader.replicate();
        out.take(); // entry 2, the last one sent, is lost: no later append would reveal the hole
        Nodes.tick(leader, HEARTBEAT);
        assertThat(to(2, out.take(MessageType.APPEND))).singleElement().satisfies(m -> {
            assertThat(m.prevLogIndex).as("the heartbeat names the last index sent").isEqualTo(2);
            assertThat(m.entryCount).isZero();
        });
        leader.step(reject(2, 1, 1, 2, 0, 2)); // the follower's log ends at 1
        assertThat(to(2, out.take(MessageType.APPEND))).singleElement().satisfies(m -> {
            assertThat(m.prevLogIndex).isEqualTo(1);
            assertThat(m.entryCount).isZero();
        });
        leader.step(ack(2, 1, 1, 1));
        assertThat(to(2, out.take(MessageType.APPEND))).singleElement().satisfies(m -> {
            assertThat(m.prevLogIndex).isEqualTo(1);
            assertThat(m.entryCount).isEqualTo(1);
        });
    }

    @Test
    void probesCarryNoEntriesSoSlowFlushesDoNotSilenceTheFollower() {
        RaftNode leader = new RaftNode(config(1, 3), logWithTerms(1, 1), new HardState(1, 0), out);
        Nodes.elect(leader, out); // term 2, no-op at 3, both followers probed at prev = 2
        assertThat(to(2, out.take(MessageType.APPEND))).singleElement().satisfies(m -> {
            assertThat(m.prevLogIndex).isEqualTo(2);
            assertThat(m.entryCount).isZero();
        });
        Nodes.tick(leader, HEARTBEAT); // unanswered: the heartbeat re-sends the same empty probe
        assertThat(to(2, out.take(MessageType.APPEND))).singleElement().satisfies(m -> {
            assertThat(m.prevLogIndex).isEqualTo(2);
            assertThat(m.entryCount).isZero();
        });

        leader.step(ack(2, 1, 2, 1)); // matched, but only index 1 is durable there yet: keep probing
        assertThat(leader.matchIndex(2)).isEqualTo(1);
        assertThat(out.take(MessageType.APPEND)).isEmpty();
        leader.step(ack(2, 1, 2, 2)); // durable up to the probe: stream
        assertThat(to(2, out.take(MessageType.APPEND))).singleElement().satisfies(m -> {
            assertThat(m.prevLogIndex).isEqualTo(2);
            assertThat(m.entryCount).isEqualTo(1);
        });
    }

    @Test
    void followerAnswersAnEmptyProbeAtOnceWithItsDurableVerifiedIndex() {
        MemoryRaftLog log = logWithTerms(1);
        RaftNode follower = new RaftNode(config(2, 3), log, new HardState(1, 0), out);
        follower.step(append(1, 2, 2, 1, 1, 0)); // a heartbeat: index 1 acknowledged
        follower.step(append(1, 2, 2, 1, 1, 0, 1, 2)); // entries 2..3, not yet durable: no answer
        assertThat(out.take(MessageType.APPEND_RESPONSE)).singleElement().satisfies(m -> assertThat(m.matchIndex).isEqualTo(1));
        follower.step(append(1, 2, 2, 3, 2, 0)); // the probe at 3 matches; only 1 is durable
        assertThat(out.take(MessageType.APPEND_RESPONSE)).singleElement().satisfies(m -> {
            assertThat(m.success).isTrue();
            assertThat(m.matchIndex).isEqualTo(1);
        });
        follower.persisted(log.sync(), 2);
        assertThat(out.take(MessageType.APPEND_RESPONSE)).singleElement().satisfies(m -> {
            assertThat(m.success).isTrue();
            assertThat(m.matchIndex).isEqualTo(3);
        });
    }

    @Test
    void persistedIsIgnoredForAnEntryThatWasReplaced() {
        MemoryRaftLog log = new MemoryRaftLog();
        RaftNode follower = new RaftNode(config(2, 3), log, HardState.INITIAL, out);
        follower.step(append(1, 2, 1, 0, 0, 0, 1, 1));
        follower.persisted(2, 7); // a flush of an entry of another term, no longer in the log
        follower.persisted(9, 1); // beyond the log
        assertThat(follower.durableIndex()).isZero();
        follower.persisted(2, 1);
        assertThat(follower.durableIndex()).isEqualTo(2);
    }

    @Test
    void proposeOnANonLeaderReturnsMinusOneAndAppendsNothing() {
        RaftNode follower = new RaftNode(config(2, 3), new MemoryRaftLog(), HardState.INITIAL, out);
        assertThat(propose(follower, 1)).isEqualTo(-1);
        assertThat(follower.lastIndex()).isZero();
    }

    @Test
    void staleAppendIsAnsweredSoTheOldLeaderLearnsTheTerm() {
        RaftNode follower = new RaftNode(config(2, 3), new MemoryRaftLog(), new HardState(5, 0), out);
        follower.step(append(1, 2, 3, 0, 0, 0, 3));
        Message answer = out.take(MessageType.APPEND_RESPONSE).get(0);
        assertThat(answer.success).isFalse();
        assertThat(answer.term).isEqualTo(5);
        assertThat(follower.lastIndex()).isZero();
    }

    @Test
    void theLeaderCountsTheTicksSinceEachFollowerLastAnswered() {
        // For operators: a follower that stopped keeps its last matchIndex, so "lag 0" alone cannot tell it from one
        // in step; the ticks since it answered can.
        RaftNode leader = steadyLeader(config(1, 3), new MemoryRaftLog());
        assertThat(leader.ticksSinceHeard(2)).isZero();
        for (int i = 0; i < 5; i++) {
            leader.tick();
        }
        assertThat(leader.ticksSinceHeard(2)).isEqualTo(5);
        leader.step(ack(2, 1, 1, 1)); // node 2 answers a heartbeat; node 3 stays silent
        leader.tick();
        assertThat(leader.ticksSinceHeard(2)).isEqualTo(1);
        assertThat(leader.ticksSinceHeard(3)).isEqualTo(6);
        assertThat(leader.ticksSinceHeard(1)).as("itself").isZero();
    }

    @Test
    void leaderRejectsAnAcknowledgementBeyondItsLog() {
        RaftNode leader = steadyLeader(config(1, 3), new MemoryRaftLog());
        assertThatThrownBy(() -> leader.step(ack(2, 1, 1, 99)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acknowledges index 99");
        assertThat(leader.matchIndex(2)).isEqualTo(1);
        assertThat(leader.role()).isEqualTo(Role.LEADER);
    }

    @Test
    void aTermOrIndexNoClusterReachesIsRefusedBeforeItIsAdopted() {
        RaftNode follower = new RaftNode(config(2, 3), new MemoryRaftLog(), new HardState(5, 0), out);
        assertThatThrownBy(() -> follower.step(voteResponse(1, 2, Long.MAX_VALUE, false)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has a term or index above");
        assertThatThrownBy(() -> follower.step(append(1, 2, 6, Long.MAX_VALUE - 1, 6, 0)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has a term or index above");
        assertThat(follower.term()).isEqualTo(5);
        follower.step(append(1, 2, 6, 0, 0, 0, 6));
        assertThat(follower.term()).isEqualTo(6);
        assertThat(follower.lastIndex()).isEqualTo(1);
    }

    @Test
    void leaderRefusesARejectionOfAnIndexItNeverSentAndKeepsServing() {
        RaftNode leader = steadyLeader(config(1, 3), new MemoryRaftLog());
        long last = leader.lastIndex();
        assertThatThrownBy(() -> leader.step(reject(2, 1, leader.term(), last + 2, 0, last + 2)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rejects index " + (last + 2));
        out.take();
        for (int i = 0; i < 10; i++) {
            leader.tick(); // heartbeats go out from an unchanged progress
        }
        assertThat(leader.role()).isEqualTo(Role.LEADER);
        assertThat(out.take(MessageType.APPEND)).as("heartbeats after the refused rejection").isNotEmpty()
            .allMatch(m -> m.prevLogIndex <= last);
    }

    @Test
    void aLeaderRefusesAnAppendOfAnotherLeaderOfItsTermAndGoesOnLeading() {
        RaftNode leader = steadyLeader(config(1, 3), new MemoryRaftLog());
        assertThatThrownBy(() -> leader.step(append(2, 1, leader.term(), 0, 0, 0)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two leaders in one term");
        assertThat(leader.role()).isEqualTo(Role.LEADER);
    }

    @Test
    void badInputGetsAClearErrorAndTheNodeKeepsServing() {
        RaftNode follower = new RaftNode(config(2, 3), new MemoryRaftLog(), HardState.INITIAL, out);
        assertThatThrownBy(() -> follower.step(append(9, 2, 1, 0, 0, 0)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("from 9");
        Message wrongCount = append(1, 2, 1, 0, 0, 0, 1);
        wrongCount.entryCount = 3;
        assertThatThrownBy(() -> follower.step(wrongCount))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("announces 3 entries but carries 1");
        assertThatThrownBy(() -> follower.step(append(1, 2, 1, 0, 0, 0, 2)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has term 2");
        Message misaddressed = append(1, 3, 1, 0, 0, 0);
        assertThatThrownBy(() -> follower.step(misaddressed))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("addressed to 3");
        assertThatThrownBy(() -> follower.propose((byte) 9, Nodes.PAYLOAD, 0, 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown entry type 9");
        assertThat(follower.term()).isZero();
        assertThat(follower.lastIndex()).isZero();

        follower.step(append(1, 2, 1, 0, 0, 0, 1));
        assertThat(follower.lastIndex()).isEqualTo(1);
    }
}
