package io.raftlog.bench;

import io.raftlog.journal.FsyncPolicy;
import io.raftlog.net.client.LogClient;

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
        return inProcess(spec, io.raftlog.pipeline.WaitStrategies.DEFAULT);
    }

    /** As {@link #inProcess(LoadSpec)}, with the nodes' raft threads waiting the named way. */
    public static ClientTarget inProcess(LoadSpec spec, String waitStrategy) {
        InProcessCluster cluster = InProcessCluster.start(3, spec.durable() ? FsyncPolicy.BATCH : FsyncPolicy.NONE, waitStrategy);
        try {
            return new ClientTarget(cluster.newClient(spec.window()), IN_PROCESS_PATH, cluster);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Connects a client (window as the spec says) to running servers, {@code host:port,...}. */
    public static ClientTarget remote(String addresses, LoadSpec spec) {
        LogClient client = LogClient.builder(addresses).window(spec.window()).build();
        return new ClientTarget(client, "TCP to " + addresses + ", LogClient", null);
    }
}
