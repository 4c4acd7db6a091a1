package io.raftlog.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.raftlog.journal.FsyncPolicy;
import io.raftlog.journal.HardStateStore;
import io.raftlog.journal.InMemoryJournal;
import io.raftlog.raft.HardState;
import io.raftlog.raft.RaftConfig;
import io.raftlog.raft.Role;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Pipelines of several nodes in one JVM, linked by copying encoded messages straight into each other's
 * rings. A stopped node's links drop everything, like a crashed process.
 */
final class InMemoryCluster implements AutoCloseable {

    record Ack(long firstIndex, int count) {
    }

    /** A refused append, carried as the exception of the append's future. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final AppendError error;
        final int leaderId;

        Refused(AppendError error, int leaderId, String detail) {
            super(error + " (leader " + leaderId + ")" + (detail == null ? "" : ": " + detail), null, false, false);
            this.error = error;
            this.leaderId = leaderId;
        }
    }

    static final class MemoryHardState implements HardStateStore {
        private volatile HardState state = HardState.INITIAL;

        @Override
        public HardState load() {
            return state;
        }

        @Override
        public void save(HardState s) {
            state = s;
        }

        @Override
        public void close() {
        }
    }

    final class Node implements ClientResponder {
        final int id;
        final InMemoryJournal journal;
        /** What the pipeline writes through: set {@code failWrites} to break this node's disk. */
        final FaultyJournal disk;
        final RaftPipeline pipeline;
        volatile Throwable halted;
        volatile boolean up = true;
        private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1024);

        Node(int id, int[] members, PipelineConfig config, FsyncPolicy policy, long seed) {
            this.id = id;
            this.journal = new InMemoryJournal(policy);
            this.disk = new FaultyJournal(journal);
            RaftConfig rc = RaftConfig.defaults(id, members, seed + id).withTicks(10, 2);
            this.pipeline = new RaftPipeline(config, rc, disk, new MemoryHardState(), new TestPeerCodec(),
                (m, log) -> {
                    Node to = nodes.get(m.to - 1);
                    if (!up || !to.up) {
                        return false;
                    }
                    int len = TestPeerCodec.encode(m, log, out);
                    return to.pipeline.publishPeerMessage(out, 0, len);
                }, this, new PipelineListener() {
                    @Override
                    public void halted(Throwable cause) {
                        halted = cause;
                    }
                });
        }

        /** The stored entry at {@code index}: its type byte, then its bytes. */
        byte[] entryAt(long index) {
            byte[][] out = new byte[1][];
            journal.read(index, 1, Long.MAX_VALUE, (i, term, type, buffer, offset, length) -> {
                out[0] = new byte[length + 1];
                out[0][0] = type;
                buffer.getBytes(offset, out[0], 1, length);
                return false;
            });
            return out[0];
        }

        NodeStatus status() {
            return pipeline.status();
        }

        /** Submits an append through this node's ring; the future completes when the node answers. */
        CompletableFuture<Ack> append(long clientId, long firstSequence, byte[]... payloads) {
            return append(clientId, firstSequence, false, payloads);
        }

        /** As {@link #append(long, long, byte[]...)}, marked as a resend (sequences the client sent before) or not. */
        CompletableFuture<Ack> append(long clientId, long firstSequence, boolean resend, byte[]... payloads) {
            CompletableFuture<Ack> f = new CompletableFuture<>();
            answers.put(key(id, clientId, firstSequence), f);
            PipelineEvent staged = pipeline.newStagingEvent().clientAppend(id, clientId, firstSequence, resend);
            for (byte[] p : payloads) {
                staged.addPayload(new UnsafeBuffer(p), 0, p.length);
            }
            if (!pipeline.publishClientAppend(staged)) {
                f.completeExceptionally(new Refused(AppendError.BUSY, 0, "ring full"));
            }
            return f;
        }

        void stop() {
            up = false;
            pipeline.close();
        }

        @Override
        public void appendAcked(long connectionId, long clientId, long firstSequence, long firstIndex, int count) {
            CompletableFuture<Ack> f = answers.remove(key(connectionId, clientId, firstSequence));
            if (f != null) {
                f.complete(new Ack(firstIndex, count));
            }
        }

        @Override
        public void appendFailed(long connectionId, long clientId, long firstSequence, AppendError error,
            int leaderId, String detail) {
            CompletableFuture<Ack> f = answers.remove(key(connectionId, clientId, firstSequence));
            if (f != null) {
                f.completeExceptionally(new Refused(error, leaderId, detail));
            }
        }
    }

    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, CompletableFuture<Ack>> answers = new ConcurrentHashMap<>();

    InMemoryCluster(int size, PipelineConfig config, FsyncPolicy policy, long seed) {
        int[] members = new int[size];
        for (int i = 0; i < size; i++) {
            members[i] = i + 1;
        }
        for (int id : members) {
            nodes.add(new Node(id, members, config, policy, seed));
        }
        nodes.forEach(n -> n.pipeline.start());
    }

    private static String key(long node, long clientId, long sequence) {
        return node + "/" + clientId + "/" + sequence;
    }

    Node node(int id) {
        return nodes.get(id - 1);
    }

    List<Node> nodes() {
        return nodes;
    }

    /** The one live node that believes it leads, or null (none, or more than one during a handover). */
    Node leader() {
        Node found = null;
        for (Node n : nodes) {
            if (n.up && n.status().role() == Role.LEADER) {
                if (found != null) {
                    return null;
                }
                found = n;
            }
        }
        return found;
    }

    @Override
    public void close() {
        nodes.forEach(n -> {
            if (n.up) {
                n.stop();
            }
        });
    }
}
