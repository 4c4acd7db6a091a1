package io.raftlog.fault;

import io.raftlog.net.client.LogClient;
import io.raftlog.net.client.NodeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Polls every node's status on its own thread (a frozen node must not delay the others) and records each
 * answer, or its absence, in the history. The latest answers give the leader a quorum recognises now,
 * which the nemesis uses to aim at the leader and the settle step uses to see convergence.
 */
final class StatusObserver implements AutoCloseable {
    private static final long POLL_NANOS = Duration.ofMillis(100).toNanos();

    private final History history;
    private final int nodes;
    private final List<LogClient> clients = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Map<Integer, History.Observation> latest = new ConcurrentHashMap<>();
    private volatile boolean closed;

    StatusObserver(Cluster cluster, History history) {
        this.history = history;
        this.nodes = cluster.nodes();
        for (int i = 1; i <= nodes; i++) {
            int node = i;
            LogClient c = LogClient.builder("127.0.0.1:" + cluster.realAddress(node).getPort())
                .connectTimeout(Duration.ofMillis(500))
                .build();
            clients.add(c);
            Thread t = new Thread(() -> poll(node, c), "fault-status-" + node);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    private void poll(int node, LogClient client) {
        while (!closed) {
            long next = System.nanoTime() + POLL_NANOS;
            History.Observation o;
            try {
                List<NodeStatus> all = client.status();
                NodeStatus s = all.isEmpty() ? null : all.get(0);
                long now = System.nanoTime();
                o = s == null || !s.reachable()
                    ? new History.Observation(now, node, false, "-", 0, 0, -1)
                    : new History.Observation(now, node, true, s.role(), s.term(), s.leaderId(), s.commitIndex());
            } catch (RuntimeException e) {
                o = new History.Observation(System.nanoTime(), node, false, "-", 0, 0, -1);
            }
            latest.put(node, o);
            history.observe(o);
            if (!Await.pauseUntil(next)) {
                return;
            }
        }
    }

    /** The node a quorum recognises as leader right now, or 0. */
    int leader() {
        return (int) Availability.recognisedLeader(Map.copyOf(latest), nodes / 2 + 1, System.nanoTime())[0];
    }

    /** The latest answer of each node (absent until it was first polled). */
    Map<Integer, History.Observation> latest() {
        return Map.copyOf(latest);
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        clients.forEach(LogClient::close);
    }
}
