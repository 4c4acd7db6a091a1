package io.raftlog.bench;

import java.util.concurrent.TimeUnit;

import io.raftlog.journal.FsyncPolicy;
import io.raftlog.net.client.LogClient;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Committed appends per second with a window of appends outstanding (W1's shape) on an in-process 3-node
 * cluster over loopback TCP with real journals. Each benchmark call sends one append once the window has
 * room; in steady state sends equal commits, and every iteration ends by waiting for all outstanding
 * appends (a failed append fails the run), so the score is committed appends/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class CommitThroughputBenchmark {

    @Param({"128", "1024"})
    int payload;

    @Param({"batch", "none"})
    String fsync;

    @Param({"1024"})
    int window;

    private InProcessCluster cluster;
    private LogClient client;
    private UnsafeBuffer buffer;
    private AppendWindowGate gate;

    @Setup(Level.Trial)
    public void start() {
        cluster = InProcessCluster.start(3, FsyncPolicy.parse(fsync));
        client = cluster.newClient(window);
        buffer = new UnsafeBuffer(new byte[payload]);
        gate = new AppendWindowGate(window);
    }

    @TearDown(Level.Iteration)
    public void drain() {
        if (!gate.awaitEmpty(TimeUnit.SECONDS.toNanos(30))) {
            throw new IllegalStateException("appends still outstanding 30 s after the iteration ended");
        }
        if (gate.failures() > 0) {
            throw new IllegalStateException(gate.failures() + " appends failed, the first: " + gate.firstFailure());
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        try {
            client.close();
        } finally {
            cluster.close();
        }
    }

    @Benchmark
    public void appendWindowed() {
        gate.acquire();
        client.append(buffer, 0, payload, gate);
    }
}
