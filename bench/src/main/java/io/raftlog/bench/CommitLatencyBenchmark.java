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
 * Commit latency of one append at a time (W2's shape) on an in-process 3-node cluster over loopback TCP
 * with real journals: append, wait for the client's acknowledgement, repeat. SampleTime reports the
 * percentiles. The forked JVM gets the flags Chronicle Queue needs (a manifest's Add-Opens do not reach
 * JMH's forks).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class CommitLatencyBenchmark {

    @Param({"128", "1024"})
    int payload;

    @Param({"batch", "none"})
    String fsync;

    private InProcessCluster cluster;
    private LogClient client;
    private UnsafeBuffer buffer;
    private final AwaitedAppend append = new AwaitedAppend();

    @Setup(Level.Trial)
    public void start() {
        cluster = InProcessCluster.start(3, FsyncPolicy.parse(fsync));
        client = cluster.newClient(1);
        buffer = new UnsafeBuffer(new byte[payload]);
    }

    @TearDown(Level.Trial)
    public void stop() {
        try {
            client.close();
        } finally {
            cluster.close();
        }
    }

    /** Returns the committed index so the work cannot be optimised away. */
    @Benchmark
    public long appendAndAwaitCommit() {
        return append.append(client, buffer, payload);
    }
}
