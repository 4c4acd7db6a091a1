package io.raftlog.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.raftlog.journal.FsyncPolicy;
import io.raftlog.net.client.LogClient;
import io.raftlog.net.server.LoopbackPorts;
import io.raftlog.net.server.RaftServer;
import io.raftlog.net.server.ServerConfig;
import io.raftlog.net.server.Threading;
import io.raftlog.pipeline.NodeStatus;
import io.raftlog.raft.Role;

/**
 * Real raftlog nodes inside this JVM: each a full {@link RaftServer} with its own Chronicle journal in a
 * temp directory and its own loopback port, talking TCP to the others exactly as separate processes
 * would. What the benchmarks run against; closing stops the nodes and deletes the directory.
 */
public final class InProcessCluster implements AutoCloseable {
    private static final long LEADER_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Path dir;
    private final Map<Integer, InetSocketAddress> members;
    private final List<RaftServer> servers = new ArrayList<>();

    private InProcessCluster(Path dir, Map<Integer, InetSocketAddress> members) {
        this.dir = dir;
        this.members = members;
    }

    /** Starts {@code nodes} nodes with this durability policy and returns once one of them leads. */
    public static InProcessCluster start(int nodes, FsyncPolicy fsync) {
        return start(nodes, fsync, io.raftlog.pipeline.WaitStrategies.DEFAULT, Threading.DEFAULT);
    }

    /**
     * As {@link #start(int, FsyncPolicy)}, with the raft threads waiting for events the named way and the
     * network on threads of its own or on the raft threads.
     */
    public static InProcessCluster start(int nodes, FsyncPolicy fsync, String waitStrategy, Threading threading) {
        Path dir;
        try {
            dir = Files.createTempDirectory("raftlog-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp directory for the journals: " + e.getMessage(), e);
        }
        InProcessCluster c = new InProcessCluster(dir, LoopbackPorts.members(nodes));
        try {
            for (int id : c.members.keySet()) {
                c.servers.add(RaftServer.start(ServerConfig.builder().nodeId(id).cluster(c.members)
                    .dataDir(dir.resolve("node-" + id)).fsync(fsync).waitStrategy(waitStrategy).threading(threading).build()));
            }
            c.awaitLeader();
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** {@code host:port,...} of every node, as clients take it. */
    public String addresses() {
        StringJoiner j = new StringJoiner(",");
        members.values().forEach(a -> j.add(ServerConfig.hostPort(a)));
        return j.toString();
    }

    /** A client of this cluster with room for {@code window} outstanding appends. */
    public LogClient newClient(int window) {
        return LogClient.builder(addresses()).window(window).build();
    }

    /** The temp directory that holds the nodes' data directories (deleted on close). */
    public Path directory() {
        return dir;
    }

    /** One line per node: role, term, commit index and the counters that show overload (busy, dropped). */
    public String describe() {
        StringJoiner j = new StringJoiner(System.lineSeparator());
        for (RaftServer s : servers) {
            NodeStatus st = s.status();
            j.add(String.format("node %d  %-9s term %d  commit %,d  busy rejections %,d  dropped peer frames %,d",
                st.nodeId(), st.role(), st.term(), st.commitIndex(), st.busyRejections(), s.droppedPeerFrames()));
        }
        return j.toString();
    }

    public List<RaftServer> servers() {
        return List.copyOf(servers);
    }

    private void awaitLeader() {
        long deadline = System.nanoTime() + LEADER_WAIT_NANOS;
        while (servers.stream().noneMatch(s -> s.status().role() == Role.LEADER)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no leader among " + addresses() + " after "
                    + TimeUnit.NANOSECONDS.toSeconds(LEADER_WAIT_NANOS) + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (RaftServer s : servers) {
            try {
                s.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        servers.clear();
        FileTrees.deleteOrWarn(dir, "raftlog bench");
        if (first != null) {
            throw first;
        }
    }
}
