package io.raftlog.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A few nodes wired to a lossless, in-order network for behaviour tests that need whole elections. Nodes
 * can be isolated (their messages in both directions are dropped). Every step: tick all, deliver
 * everything, make every log durable. (The randomized, faulty version is the simulator in sim/.)
 */
final class TestCluster {

    private record Envelope(Message message, EntrySource entries) {
    }

    /** A message as sent, delivered or not (an isolated node's are dropped at delivery). */
    record Sent(int from, int to, MessageType type) {
    }

    final RaftNode[] nodes;
    final MemoryRaftLog[] logs;
    final Recorder[] outputs;
    private final boolean[] isolated;
    private final ArrayDeque<Envelope> queue = new ArrayDeque<>();
    /** Every message sent, in order; a test clears it to look at what one step sends. */
    final List<Sent> sentLog = new ArrayList<>();
    long messagesDelivered;
    private long ticksRun;
    private int flushEvery = 1;

    TestCluster(int size, UnaryOperator<RaftConfig> configure) {
        nodes = new RaftNode[size + 1];
        logs = new MemoryRaftLog[size + 1];
        outputs = new Recorder[size + 1];
        isolated = new boolean[size + 1];
        for (int id = 1; id <= size; id++) {
            int sender = id;
            logs[id] = new MemoryRaftLog();
            outputs[id] = new Recorder() {
                @Override
                public void send(Message m) {
                    EntrySource entries = m.type == MessageType.APPEND && m.entryCount > 0
                        ? new MemoryLogSlice(logs[sender], m.prevLogIndex + 1, m.entryCount) : null;
                    queue.add(new Envelope(new Message().copyFrom(m), entries));
                    sentLog.add(new Sent(m.from, m.to, m.type));
                }
            };
            nodes[id] = new RaftNode(configure.apply(Nodes.config(id, size).withSeed(id)), logs[id], HardState.INITIAL,
                outputs[id]);
        }
    }

    void isolate(int id, boolean cut) {
        isolated[id] = cut;
    }

    void deliverAll() {
        Envelope e;
        while ((e = queue.poll()) != null) {
            Message m = e.message();
            if (isolated[m.from] || isolated[m.to]) {
                continue;
            }
            m.entries = e.entries();
            messagesDelivered++;
            nodes[m.to].step(m);
        }
    }

    void syncAll() {
        for (int id = 1; id < nodes.length; id++) {
            long last = logs[id].sync();
            if (last > 0) {
                nodes[id].persisted(last, logs[id].termAt(last));
            }
        }
        deliverAll();
    }

    void run(int ticks) {
        for (int t = 0; t < ticks; t++) {
            for (int id = 1; id < nodes.length; id++) {
                nodes[id].tick();
            }
            deliverAll();
            ticksRun++;
            if (ticksRun % flushEvery == 0) {
                syncAll();
            }
        }
    }

    /**
     * Slow storage: from now on every node's writes become durable (and {@code persisted} is reported) only
     * every {@code ticks} ticks, as with fsyncs that take that long; 1 is a flush per tick.
     */
    void flushEvery(int ticks) {
        flushEvery = ticks;
    }

    /** The one node that leads the highest term, or 0. */
    int leader() {
        int leader = 0;
        for (int id = 1; id < nodes.length; id++) {
            if (nodes[id].role() == Role.LEADER && (leader == 0 || nodes[id].term() > nodes[leader].term())) {
                leader = id;
            }
        }
        return leader;
    }

    long propose(int id, long value) {
        long index = Nodes.propose(nodes[id], value);
        nodes[id].replicate();
        deliverAll();
        return index;
    }
}
