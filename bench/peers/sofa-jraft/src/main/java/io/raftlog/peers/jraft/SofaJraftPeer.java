package io.raftlog.peers.jraft;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import io.raftlog.bench.AppendTarget;
import io.raftlog.bench.FileTrees;
import io.raftlog.bench.LoadSpec;
import io.raftlog.bench.PeerSystem;

/**
 * SOFAJRaft 1.4.1 as a peer of raftlog: {@code java -jar sofa-jraft-peer.jar bench --peer sofa-jraft --workload W1
 * --durable true}. Three nodes in this process over loopback TCP, each with its own RocksDB log in a temporary
 * directory; the client appends to the leader.
 */
public final class SofaJraftPeer implements PeerSystem {
    static final String NAME = "sofa-jraft";
    private static final int NODES = 3;
    private static final int PORT_BASE = Integer.getInteger("raftlog.peer.jraft.portBase", 20_200);
    private static final String QUIET_LOGGERS = "org.slf4j.simpleLogger.log.com.alipay";
    private static final long ELECTION_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AppendTarget start(LoadSpec spec) {
        // SOFAJRaft and SOFABolt warn about every connection they close at shutdown: noise between the runs.
        setIfAbsent(QUIET_LOGGERS, "off");
        // SOFABolt refuses a send ("maybe write overflow!") once 64 KiB wait to be written on a connection: W1k keeps
        // a MiB of appends outstanding. Room for the whole window, as a SOFAJRaft user with such a client would set.
        setIfAbsent("bolt.netty.buffer.high.watermark", String.valueOf(8 << 20));
        setIfAbsent("bolt.netty.buffer.low.watermark", String.valueOf(4 << 20));
        Path dir;
        try {
            dir = Files.createTempDirectory("sofa-jraft-peer-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the peer group's directory: " + e.getMessage(), e);
        }
        Configuration members = new Configuration();
        for (int i = 0; i < NODES; i++) {
            members.addPeer(new PeerId("127.0.0.1", PORT_BASE + i));
        }
        List<JraftNode> nodes = new ArrayList<>();
        CountDownLatch leaderStarted = new CountDownLatch(1);
        AutoCloseable group = () -> {
            try {
                for (JraftNode node : nodes) {
                    node.close();
                }
            } finally {
                FileTrees.delete(dir);
            }
        };
        try {
            for (PeerId id : members.getPeers()) {
                nodes.add(JraftNode.start(id, members, new File(dir.toFile(), "node-" + id.getPort()), spec.durable(),
                    leaderStarted::countDown));
            }
            return new SofaJraftTarget(awaitLeader(nodes, leaderStarted).getEndpoint(), group, dir);
        } catch (RuntimeException e) {
            try {
                group.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    private static PeerId awaitLeader(List<JraftNode> nodes, CountDownLatch leaderStarted) {
        try {
            if (!leaderStarted.await(ELECTION_WAIT_NANOS, TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("no SOFAJRaft leader within " + TimeUnit.NANOSECONDS.toSeconds(ELECTION_WAIT_NANOS) + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a SOFAJRaft leader", e);
        }
        for (JraftNode node : nodes) {
            if (node.isLeader()) {
                return node.id();
            }
        }
        throw new IllegalStateException("a SOFAJRaft node started to lead and no node leads now: an election is under way");
    }
}
