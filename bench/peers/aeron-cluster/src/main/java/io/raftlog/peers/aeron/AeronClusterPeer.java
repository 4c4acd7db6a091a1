package io.raftlog.peers.aeron;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.aeron.CommonContext;
import io.raftlog.bench.AppendTarget;
import io.raftlog.bench.FileTrees;
import io.raftlog.bench.LoadSpec;
import io.raftlog.bench.PeerSystem;
import org.agrona.CloseHelper;

/**
 * Aeron Cluster 1.51 as a peer of raftlog: {@code java -jar aeron-cluster-peer.jar bench --peer aeron-cluster
 * --workload W1 --durable true}. Three members in this process over loopback UDP, each with its own files in
 * a temporary directory, and a client with its own media driver.
 */
public final class AeronClusterPeer implements PeerSystem {
    static final String NAME = "aeron-cluster";
    private static final int MEMBERS = 3;
    private static final int PORT_BASE = Integer.getInteger("raftlog.peer.aeron.portBase", 20_100);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AppendTarget start(LoadSpec spec) {
        Path dir;
        try {
            dir = Files.createTempDirectory("aeron-cluster-peer-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the peer cluster's directory: " + e.getMessage(), e);
        }
        // Media driver files go where Aeron puts them by default (/dev/shm on Linux), one directory per driver.
        String driverDirs = CommonContext.getAeronDirectoryName() + "-" + dir.getFileName();
        PeerIdle.applyClientTuning();
        PeerPorts ports = new PeerPorts(PORT_BASE, MEMBERS);
        List<AeronClusterNode> nodes = new ArrayList<>();
        AutoCloseable cluster = () -> {
            try {
                CloseHelper.closeAll(nodes);
            } finally {
                FileTrees.delete(dir);
            }
        };
        try {
            for (int id = 0; id < MEMBERS; id++) {
                nodes.add(AeronClusterNode.start(id, ports, new File(dir.toFile(), "member-" + id),
                    driverDirs + "-member-" + id, spec.durable()));
            }
            return new AeronClusterTarget(driverDirs + "-client", ports, spec.window(), spec.payloadBytes(), cluster,
                "in-process 3 members, loopback UDP, AeronCluster client (Aeron 1.51, " + PeerIdle.describe() + ")", dir);
        } catch (RuntimeException e) {
            CloseHelper.quietClose(cluster);
            throw e;
        }
    }
}
