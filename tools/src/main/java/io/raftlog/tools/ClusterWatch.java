package io.raftlog.tools;

import io.raftlog.net.client.LogClient;
import io.raftlog.net.client.NodeAddress;
import io.raftlog.net.client.NodeStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Polls every node's status a few times a second on its own thread and remembers each leader change
 * (who, which term, when): what {@code demo} reports, and what the integration tests wait on.
 */
final class ClusterWatch implements AutoCloseable {
    private static final long POLL_MILLIS = 100;

    /** A leader seen for the first time in its term, {@code atNanos} on the System.nanoTime clock. */
    record LeaderChange(int nodeId, NodeAddress address, long term, long atNanos) {
    }

    private final LogClient client;
    private final Thread thread;
    private final List<LeaderChange> changes = new ArrayList<>();
    private List<NodeStatus> latest = List.of();
    /** Polls begun so far, and which of them produced {@link #latest}; guarded by this. */
    private long pollsBegun;
    private long latestPoll;
    private volatile boolean closed;

    ClusterWatch(List<NodeAddress> addresses, long clusterId) {
        this.client = LogClient.builder(addresses).clusterId(clusterId).connectTimeout(Duration.ofMillis(500)).build();
        this.thread = new Thread(this::run, "raftlog-cluster-watch");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        while (!closed) {
            long poll;
            synchronized (this) {
                poll = ++pollsBegun;
            }
            List<NodeStatus> now = client.status();
            synchronized (this) {
                latest = now;
                latestPoll = poll;
                for (NodeStatus s : now) {
                    if (s.isLeader()) {
                        LeaderChange last = changes.isEmpty() ? null : changes.get(changes.size() - 1);
                        if (last == null || s.term() > last.term()) {
                            changes.add(new LeaderChange(s.nodeId(), s.address(), s.term(), System.nanoTime()));
                        }
                    }
                }
                notifyAll();
            }
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS); // the polling period, not a synchronisation
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    synchronized List<LeaderChange> changes() {
        return List.copyOf(changes);
    }

    synchronized List<NodeStatus> latest() {
        return latest;
    }

    /** The newest leader seen, or null. */
    synchronized LeaderChange leader() {
        return changes.isEmpty() ? null : changes.get(changes.size() - 1);
    }

    /** Waits until a leader that satisfies {@code which} was seen; null if none within the timeout. */
    synchronized LeaderChange awaitLeader(Predicate<LeaderChange> which, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            LeaderChange l = leader();
            if (l != null && which.test(l)) {
                return l;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /**
     * Waits until statuses from a poll begun after this call satisfy {@code condition}; false if none did within
     * the timeout. Only those: a caller that just killed or restarted a node must not be answered with what the
     * nodes said before.
     */
    synchronized boolean awaitStatus(Predicate<List<NodeStatus>> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long after = pollsBegun;
        while (latestPoll <= after || !condition.test(latest)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        client.close();
    }
}
