package io.raftlog.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Committed appends per second with {@link #WINDOW} appends outstanding (W1's shape). Each benchmark call
 * sends one append once the window has room; in steady state sends equal commits, and every iteration ends
 * by waiting for all outstanding appends (a failed append fails the run), so the score is committed
 * appends/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CommitThroughputBenchmark extends ClusterBenchmarkBase {

    private AppendWindowGate gate;

    @Setup(Level.Trial)
    public void newGate() {
        gate = new AppendWindowGate(WINDOW);
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

    @Benchmark
    public void appendWindowed() {
        gate.acquire();
        client.append(buffer, 0, payload, gate);
    }
}
