package io.raftlog.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Threads;

/**
 * Committed appends per second with {@link #WINDOW} appends outstanding (W1's shape). Each benchmark call
 * sends one append once the window has room, so calls count sends. The window is drained only when the trial
 * ends, not after each iteration, so an iteration's sends match its commits but for the window's fill at its two
 * ends: between iterations JMH does its own work while nothing is sent, the window empties, and the next
 * iteration counts up to {@link #WINDOW} sends that commit after it (+0.1% at 500k appends/s in 2-second
 * iterations, found in review). Draining after every iteration was worse: each one began empty and counted about
 * {@link #WINDOW} sends that committed only in the untimed drain (2.5% too many at 20k appends/s). A failed
 * append fails the trial. One sending thread: the gate wakes one sender.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
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
