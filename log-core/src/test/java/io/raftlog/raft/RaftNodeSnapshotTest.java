package io.raftlog.raft;

import static io.raftlog.raft.Nodes.ELECTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Catching up a follower whose next entry the leader compacted away: the leader sends SNAPSHOT (InstallSnapshot
 * of a log without a state machine) in the probe's place, and the follower either keeps a log that matches at
 * the snapshot's index or drops it and continues after it.
 */
class RaftNodeSnapshotTest {

    @Test
    void aFollowerBehindTheLeadersFirstIndexIsCaughtUpBySnapshotAndThenStreams() {
        TestCluster cluster = new TestCluster(3, c -> c);
        cluster.run(3 * ELECTION);
        int leader = cluster.leader();
        int lagging = leader == 3 ? 1 : 3;
        cluster.isolate(lagging, true);
        for (int i = 0; i < 20; i++) {
            cluster.propose(leader, i);
        }
        cluster.run(2);
        long commit = cluster.nodes[leader].commitIndex();
        assertThat(cluster.logs[lagging].lastIndex()).isLessThan(commit - 10);
        cluster.logs[leader].compactBefore(commit - 3);

        cluster.isolate(lagging, false);
        cluster.run(2 * ELECTION);

        assertThat(cluster.logs[lagging].firstIndex()).isEqualTo(commit - 3);
        assertThat(cluster.logs[lagging].termAt(commit - 4)).isEqualTo(cluster.logs[leader].termAt(commit - 4));
        assertThat(cluster.nodes[lagging].commitIndex()).isEqualTo(cluster.nodes[leader].commitIndex());
        assertThat(cluster.nodes[leader].matchIndex(lagging)).isEqualTo(cluster.logs[leader].lastIndex());
        // Streaming resumed after the snapshot: what is proposed now reaches it as entries.
        long next = cluster.propose(leader, 99);
        cluster.run(2);
        assertThat(cluster.logs[lagging].lastIndex()).isEqualTo(next);
        assertThat(cluster.logs[lagging].payloadView(next).getLong(0)).isEqualTo(99);
    }

    @Test
    void aStreamingFollowerWhoseNextEntryWasCompactedGetsTheSnapshotInPlaceOfTheHeartbeat() {
        // The heartbeat's empty APPEND went first, at the compacted prefix: the follower rejected it and a second
        // message followed (docs/ARCHITECTURE.md's known gaps, found in review).
        TestCluster cluster = new TestCluster(3, c -> c);
        cluster.run(3 * ELECTION);
        int leader = cluster.leader();
        int slow = leader == 3 ? 1 : 3;
        cluster.isolate(slow, true); // its answers stop: its window of appends fills and its stream stops
        for (int i = 0; i < 60; i++) {
            cluster.propose(leader, i);
            cluster.syncAll(); // the other follower keeps up, so these commit
        }
        long commit = cluster.nodes[leader].commitIndex();
        assertThat(commit).as("committed without the slow follower").isGreaterThan(60);
        cluster.logs[leader].compactBefore(commit - 1); // past where the slow follower's stream stopped
        cluster.sentLog.clear();
        cluster.run(Nodes.HEARTBEAT); // well within an election timeout: the follower is still streaming

        List<MessageType> toSlow = cluster.sentLog.stream().filter(m -> m.from() == leader && m.to() == slow)
            .map(TestCluster.Sent::type).toList();
        assertThat(toSlow).containsExactly(MessageType.SNAPSHOT);
    }

    @Test
    void aFollowerWithAConflictingSuffixDropsItsWholeLogAndAcknowledgesTheSnapshotAtOnce() {
        // Terms 1,1,2,2 here; the leader of term 5 compacted through index 6, whose term (4) we lack.
        MemoryRaftLog log = Nodes.logWithTerms(1, 1, 2, 2);
        Recorder out = new Recorder();
        RaftNode node = new RaftNode(Nodes.config(2, 3), log, new HardState(3, 0), out);

        node.step(snapshot(1, 2, 5, 6, 4, 8));

        assertThat(log.firstIndex()).isEqualTo(7);
        assertThat(log.lastIndex()).isEqualTo(6);
        assertThat(log.termAt(6)).isEqualTo(4);
        assertThat(log.durableIndex()).isEqualTo(6);
        assertThat(node.commitIndex()).isEqualTo(6);
        assertThat(node.durableIndex()).isEqualTo(6);
        List<Message> sent = out.take(MessageType.APPEND_RESPONSE);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).success).isTrue();
        assertThat(sent.get(0).matchIndex).isEqualTo(6);
        assertThat(node.leaderId()).isEqualTo(1);
        assertThat(node.term()).isEqualTo(5);
    }

    @Test
    void aFollowerHoldingTheSnapshotsLastEntryKeepsWhatFollowsIt() {
        MemoryRaftLog log = Nodes.logWithTerms(1, 1, 2, 2, 2);
        Recorder out = new Recorder();
        RaftNode node = new RaftNode(Nodes.config(2, 3), log, new HardState(2, 0), out);

        node.step(snapshot(1, 2, 3, 3, 2, 3));

        assertThat(log.firstIndex()).isEqualTo(1);
        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(node.commitIndex()).isEqualTo(3);
        Message answer = out.take(MessageType.APPEND_RESPONSE).get(0);
        assertThat(answer.success).isTrue();
        assertThat(answer.matchIndex).isEqualTo(3); // verified through the snapshot's index, not beyond
    }

    @Test
    void aSnapshotOfAnOlderTermIsAnsweredWithTheCurrentTermAndChangesNothing() {
        MemoryRaftLog log = Nodes.logWithTerms(1, 1);
        Recorder out = new Recorder();
        RaftNode node = new RaftNode(Nodes.config(2, 3), log, new HardState(4, 0), out);

        node.step(snapshot(1, 2, 3, 9, 3, 9));

        assertThat(log.lastIndex()).isEqualTo(2);
        assertThat(log.firstIndex()).isEqualTo(1);
        Message answer = out.take(MessageType.APPEND_RESPONSE).get(0);
        assertThat(answer.success).isFalse();
        assertThat(answer.term).isEqualTo(4);
    }

    @Test
    void aSnapshotThatIsNotACommittedPrefixOfItsTermIsRejectedBeforeAnythingChanges() {
        MemoryRaftLog log = Nodes.logWithTerms(1, 1);
        RaftNode node = new RaftNode(Nodes.config(2, 3), log, new HardState(1, 0), new Recorder());

        assertThatThrownBy(() -> node.step(snapshot(1, 2, 2, 9, 3, 9)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SNAPSHOT from 1");
        assertThatThrownBy(() -> node.step(snapshot(1, 2, 2, 9, 1, 8)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a committed prefix");
        assertThatThrownBy(() -> node.step(snapshot(1, 2, 2, 9, 0, 9))) // only index 0 has term 0
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a committed prefix");
        assertThatThrownBy(() -> node.step(snapshot(1, 2, 2, 0, 1, 0)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a committed prefix");
        assertThat(node.term()).isEqualTo(1);
        assertThat(log.lastIndex()).isEqualTo(2);
    }

    @Test
    void aRestartedNodeStartsWithItsCompactedPrefixCommitted() {
        MemoryRaftLog log = Nodes.logWithTerms(1, 1, 2, 2);
        assertThat(startedOnCompacted(1, log).commitIndex()).isEqualTo(3);
    }

    @Test
    void anAppendReachingBelowTheCompactedPrefixMustAgreeWithTheTermKeptForIt() {
        // Terms 1,1,2,2 with 1..3 compacted: the term of 3 (2) is kept; an APPEND from 1 that says entry 3 has
        // term 1 contradicts a committed entry, so nothing of it is taken.
        MemoryRaftLog log = Nodes.logWithTerms(1, 1, 2, 2);
        RaftNode node = startedOnCompacted(2, log);
        assertThatThrownBy(() -> node.step(Nodes.append(1, 2, 3, 1, 1, 4, 1, 1, 3, 3)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gives entry 3 term 1")
            .hasMessageContaining("committed and compacted here with term 2");
        assertThat(log.lastIndex()).isEqualTo(4);
        assertThat(log.termAt(4)).isEqualTo(2);
        assertThat(node.term()).as("its term is not adopted either").isEqualTo(2);

        // The same reach with the right terms goes through: 2..4 are skipped or match, 5 is new.
        node.step(Nodes.append(1, 2, 3, 1, 1, 4, 2, 2, 2, 3));
        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(log.termAt(5)).isEqualTo(3);
    }

    /** Node {@code id} of three, started in term 2 on {@code log} with its entries 1..3 compacted. */
    private static RaftNode startedOnCompacted(int id, MemoryRaftLog log) {
        log.compactBefore(4);
        return new RaftNode(Nodes.config(id, 3), log, new HardState(2, 0), new Recorder());
    }

    private static Message snapshot(int from, int to, long term, long lastIndex, long lastTerm, long leaderCommit) {
        Message m = Nodes.message(MessageType.SNAPSHOT, from, to, term);
        m.prevLogIndex = lastIndex;
        m.prevLogTerm = lastTerm;
        m.leaderCommit = leaderCommit;
        return m;
    }
}
