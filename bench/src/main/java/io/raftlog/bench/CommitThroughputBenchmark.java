package io.raftlog.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;

/**
 * Committed appends per second with {@link #WINDOW} appends outstanding (W1's shape). Each benchmark call
 * sends one append once the window has room, so calls count sends; with the window full at both ends of an
 * iteration (it is drained only when the trial ends), an iteration's sends equal its commits. (Drained after
 * every iteration, each one began with an empty window and counted about {@link #WINDOW} sends that committed
 * only in the untimed drain: 2.5% too many at 20k appends/s in 2-second iterations.) A failed append fails
 * the trial.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CommitThroughputBenchmark extends ClusterBenchmarkBase {

    private AppendWindowGate gate;

    @Setup(Level.Trial)
    public void newGate() {
        gate = new AppendWindowGate(WINDOW);
    }

    /** Waits for the window's last appends to commit, failing the trial if any failed. */
    @Override
    void beforeStop() {
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
