package io.raftlog.peers.ratis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.raftlog.bench.FileTrees;
import io.raftlog.net.server.LoopbackPorts;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;

/**
 * The peer group: three Ratis servers in this process, one Raft group, each server with its own storage directory
 * under one temporary directory and its own gRPC port on loopback. Closing it stops the servers and deletes the
 * directory.
 */
final class RatisGroup implements AutoCloseable {
    private static final int SERVERS = 3;
    private static final long LEADER_WAIT_SECONDS = 30;

    private final Path dir;
    private final RaftGroup group;
    private final List<RaftServer> servers = new ArrayList<>();
    private final CountDownLatch leaderReady = new CountDownLatch(1);

    private RatisGroup(Path dir, RaftGroup group) {
        this.dir = dir;
        this.group = group;
    }

    /** Starts the servers and returns once one of them leads and has committed its first entry of the term. */
    static RatisGroup start(boolean durable) {
        int[] ports = LoopbackPorts.free(SERVERS);
        List<RaftPeer> peers = new ArrayList<>();
        for (int i = 0; i < SERVERS; i++) {
            peers.add(RaftPeer.newBuilder().setId("n" + i).setAddress(RatisSettings.HOST + ":" + ports[i]).build());
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("ratis-peer-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the peer group's directory: " + e.getMessage(), e);
        }
        RatisGroup started = new RatisGroup(dir, RaftGroup.valueOf(RaftGroupId.randomId(), peers));
        try {
            for (int i = 0; i < SERVERS; i++) {
                started.startServer(peers.get(i), ports[i], durable);
            }
            started.awaitLeader();
            return started;
        } catch (RuntimeException e) {
            try {
                started.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void startServer(RaftPeer peer, int port, boolean durable) {
        try {
            RaftServer server = RaftServer.newBuilder()
                .setServerId(peer.getId())
                .setGroup(group)
                .setStateMachine(new AckStateMachine(leaderReady::countDown))
                .setProperties(RatisSettings.server(dir.resolve(peer.getId().toString()).toFile(), port, durable))
                .setOption(RaftStorage.StartupOption.FORMAT)
                .build();
            servers.add(server); // before start: a server that fails half-way is still closed
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Ratis server " + peer.getId() + ": " + e.getMessage(), e);
        }
    }

    private void awaitLeader() {
        try {
            if (!leaderReady.await(LEADER_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no Ratis leader within " + LEADER_WAIT_SECONDS + " s: " + describe());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a Ratis leader", e);
        }
    }

    RaftGroup group() {
        return group;
    }

    /** The server that leads now, or null while an election is under way. */
    RaftPeerId leader() {
        for (RaftServer server : servers) {
            DivisionInfo info = info(server);
            if (info != null && info.isLeader()) {
                return server.getId();
            }
        }
        return null;
    }

    /** The temp directory that holds the servers' storage (deleted on close). */
    Path directory() {
        return dir;
    }

    /** Each server's role, term and last applied index, e.g. {@code n0 LEADER term 1 applied 20482}. */
    String describe() {
        StringBuilder s = new StringBuilder();
        for (RaftServer server : servers) {
            DivisionInfo info = info(server);
            s.append(s.length() == 0 ? "" : ", ").append(server.getId());
            if (info == null) {
                s.append(" not running");
            } else {
                s.append(' ').append(info.getCurrentRole()).append(" term ").append(info.getCurrentTerm())
                    .append(" applied ").append(info.getLastAppliedIndex());
            }
        }
        return s.toString();
    }

    private DivisionInfo info(RaftServer server) {
        try {
            return server.getDivision(group.getGroupId()).getInfo();
        } catch (IOException e) {
            return null; // the server is not (or no longer) running the group
        }
    }

    /**
     * Stops the three servers at once (one by one, each survivor would first elect a new leader and then warn, until
     * its own turn, about every append to the stopped ones) and deletes the directory.
     */
    @Override
    public void close() {
        List<Thread> stopping = new ArrayList<>();
        Queue<RuntimeException> failures = new ConcurrentLinkedQueue<>();
        for (RaftServer server : servers) {
            Thread stop = new Thread(() -> {
                try {
                    server.close();
                } catch (IOException | RuntimeException e) {
                    failures.add(new IllegalStateException("stopping Ratis server " + server.getId() + ": " + e.getMessage(), e));
                }
            }, "ratis-peer-stop-" + server.getId());
            stop.start();
            stopping.add(stop);
        }
        boolean interrupted = false;
        for (Thread stop : stopping) {
            while (stop.isAlive()) {
                try {
                    stop.join();
                } catch (InterruptedException e) {
                    interrupted = true; // the directory goes only once every server stopped: wait on, interrupt after
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            failures.add(new UncheckedIOException("deleting " + dir + ": " + e.getMessage(), e));
        }
        RuntimeException failure = null;
        for (RuntimeException e : failures) {
            failure = chain(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException chain(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
