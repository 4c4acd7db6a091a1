package io.raftlog.bench;

import io.raftlog.journal.FsyncPolicy;
import io.raftlog.net.client.LogClient;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the end-to-end benchmarks share (JMH inherits these annotations): an in-process 3-node cluster over
 * loopback TCP with real journals in temp dirs, a client with room for {@link #WINDOW} appends, and one
 * payload, per {@code payload} and {@code fsync} parameter. The forked JVM gets the flags Chronicle Queue
 * needs (a manifest's Add-Opens do not reach JMH's forks).
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public abstract class ClusterBenchmarkBase {
    /** Appends a throughput benchmark keeps outstanding (W1's window); the latency benchmark uses one. */
    static final int WINDOW = 1024;

    @Param({"128", "1024"})
    int payload;

    @Param({"batch", "none"})
    String fsync;

    InProcessCluster cluster;
    LogClient client;
    UnsafeBuffer buffer;

    @Setup(Level.Trial)
    public void startCluster() {
        cluster = InProcessCluster.start(3, FsyncPolicy.parse(fsync));
        client = cluster.newClient(WINDOW);
        buffer = new UnsafeBuffer(new byte[payload]);
    }

    /**
     * The one trial tear-down: first {@link #beforeStop()}, then the client and the cluster. One method, because
     * JMH does not run a subclass's tear-down before its base class's: with the throughput benchmark's drain as a
     * tear-down of its own, the cluster stopped first and every trial failed on the appends still in its window
     * (and lost its last iteration's score).
     */
    @TearDown(Level.Trial)
    public void stopCluster() {
        try {
            beforeStop();
        } finally {
            try {
                client.close();
            } finally {
                cluster.close();
            }
        }
    }

    /** What a benchmark must finish while the cluster still runs (nothing by default). */
    void beforeStop() {
    }
}
