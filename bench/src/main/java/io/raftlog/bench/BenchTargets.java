package io.raftlog.bench;

import io.raftlog.journal.FsyncPolicy;
import io.raftlog.net.client.LogClient;
import io.raftlog.net.client.LogClientException;
import io.raftlog.net.client.NodeStatus;
import io.raftlog.net.server.Threading;

import java.util.List;

/** Builds the targets {@code raftlog bench} runs against. */
public final class BenchTargets {
    static final String IN_PROCESS_PATH = "in-process 3 nodes, loopback TCP, LogClient";

    private BenchTargets() {
    }

    /**
     * Starts 3 nodes in this JVM (journals in a temp directory, fsync batch if the spec is durable, else
     * none), waits for a leader, and connects a client whose window is the spec's.
     */
    public static ClientTarget inProcess(LoadSpec spec) {
        return inProcess(spec, io.raftlog.pipeline.WaitStrategies.DEFAULT, Threading.DEFAULT);
    }

    /** As {@link #inProcess(LoadSpec)}, with the nodes' raft threads waiting the named way and this threading. */
    public static ClientTarget inProcess(LoadSpec spec, String waitStrategy, Threading threading) {
        InProcessCluster cluster = InProcessCluster.start(3, spec.durable() ? FsyncPolicy.BATCH : FsyncPolicy.NONE,
            waitStrategy, threading);
        try {
            return new ClientTarget(cluster.newClient(spec.window()), IN_PROCESS_PATH, cluster);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Connects a client (window as the spec says) to running servers, {@code host:port,...}. Fails at once,
     * naming each node's problem, when none of them answers a STATUS request, instead of letting the load
     * generator wait out its ten seconds without progress.
     */
    public static ClientTarget remote(String addresses, LoadSpec spec) {
        LogClient client = LogClient.builder(addresses).window(spec.window()).build();
        try {
            List<NodeStatus> nodes = client.status();
            if (nodes.stream().noneMatch(NodeStatus::reachable)) {
                throw new LogClientException("no node of " + addresses + " answered (" + NodeStatus.problems(nodes) + ")");
            }
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return new ClientTarget(client, "TCP to " + addresses + ", LogClient", null);
    }
}
