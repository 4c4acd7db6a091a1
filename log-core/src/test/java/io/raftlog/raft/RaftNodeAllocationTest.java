package io.raftlog.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

/**
 * The hot path allocates nothing: a leader proposing, replicating, taking acknowledgements and
 * committing, and a follower appending and acknowledging, over a log that itself does not allocate.
 * (Counted with the JVM's per-thread allocation counter; speed is measured in bench/, not here.)
 */
class RaftNodeAllocationTest {

    /** Counts sends and remembers the last APPEND's range, without allocating. */
    private static final class CountingOutput implements RaftOutput {
        long sends;
        long lastPrev;
        int lastCount;

        @Override
        public void persistHardState(long term, int votedFor) {
        }

        @Override
        public void send(Message m) {
            sends++;
            if (m.type == MessageType.APPEND) {
                lastPrev = m.prevLogIndex;
                lastCount = m.entryCount;
            }
        }

        @Override
        public void committed(long commitIndex) {
        }

        @Override
        public void roleChanged(Role role, long term, int leaderId) {
        }
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
            .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void leaderAndFollowerSteadyStateAllocateNothingPerEntry() {
        int rounds = 4_000;
        int batch = 16;
        ArrayRaftLog leaderLog = new ArrayRaftLog(4 * rounds * batch);
        ArrayRaftLog followerLog = new ArrayRaftLog(4 * rounds * batch);
        CountingOutput leaderOut = new CountingOutput();
        CountingOutput followerOut = new CountingOutput();
        RaftNode leader = new RaftNode(Nodes.config(1, 3), leaderLog, HardState.INITIAL, leaderOut);
        RaftNode follower = new RaftNode(Nodes.config(2, 3), followerLog, new HardState(1, 1), followerOut);
        Nodes.elect(leader, new Recorder());

        ExpandableArrayBuffer payload = new ExpandableArrayBuffer(128);
        Message ack = new Message();
        Message append = new Message();
        ReusableEntries entries = new ReusableEntries(payload, batch);

        Runnable round = () -> {
            long first = leaderLog.lastIndex() + 1;
            for (int i = 0; i < batch; i++) {
                leader.propose(EntryType.DATA, payload, 0, 128);
            }
            leader.replicate();
            leader.persisted(leaderLog.lastIndex(), leader.term());
            // The follower receives the batch (as the driver would decode it) and flushes it.
            append.clear();
            append.type = MessageType.APPEND;
            append.from = 1;
            append.to = 2;
            append.term = leader.term();
            append.prevLogIndex = first - 1;
            append.prevLogTerm = leaderLog.termAt(first - 1);
            append.leaderCommit = leader.commitIndex();
            append.entryCount = entries.fill(leader.term(), batch);
            append.entries = entries;
            follower.step(append);
            follower.persisted(followerLog.lastIndex(), leader.term());
            for (int peer = 2; peer <= 3; peer++) {
                ack.clear();
                ack.type = MessageType.APPEND_RESPONSE;
                ack.from = peer;
                ack.to = 1;
                ack.term = leader.term();
                ack.success = true;
                ack.matchIndex = leaderLog.lastIndex();
                leader.step(ack);
            }
            leader.tick();
        };
        // Catch the follower up on the no-op first, then warm up.
        follower.step(Nodes.append(1, 2, 1, 0, 0, 0, 1));
        follower.persisted(1, 1);
        for (int i = 0; i < rounds; i++) {
            round.run();
        }
        long before = allocatedBytes();
        for (int i = 0; i < rounds; i++) {
            round.run();
        }
        long allocated = allocatedBytes() - before;

        assertThat(leader.commitIndex()).isEqualTo(leaderLog.lastIndex());
        assertThat(follower.lastIndex()).isEqualTo(leaderLog.lastIndex());
        assertThat(leaderOut.sends).isGreaterThan(2L * rounds);
        // Zero in steady state; a few hundred bytes may come from the JIT swapping in compiled code while
        // the loop runs. One object per entry would be over 500 KB.
        assertThat(allocated).as("bytes allocated for " + rounds * batch + " entries").isLessThan(rounds * batch / 4);
    }

    /** An EntrySource over one payload, refilled per message like a decoder flyweight. */
    private static final class ReusableEntries implements EntrySource {
        private final ExpandableArrayBuffer payload;
        private final long[] terms;
        private int count;

        ReusableEntries(ExpandableArrayBuffer payload, int capacity) {
            this.payload = payload;
            this.terms = new long[capacity];
        }

        int fill(long term, int n) {
            for (int i = 0; i < n; i++) {
                terms[i] = term;
            }
            count = n;
            return n;
        }

        @Override
        public int count() {
            return count;
        }

        @Override
        public long term(int i) {
            return terms[i];
        }

        @Override
        public byte type(int i) {
            return EntryType.DATA;
        }

        @Override
        public org.agrona.DirectBuffer buffer(int i) {
            return payload;
        }

        @Override
        public int offset(int i) {
            return 0;
        }

        @Override
        public int length(int i) {
            return 128;
        }
    }
}
