package io.raftlog.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * Commit latency of one append at a time (W2's shape): append, wait for the client's acknowledgement,
 * repeat. SampleTime reports the percentiles.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CommitLatencyBenchmark extends ClusterBenchmarkBase {

    private final AwaitedAppend append = new AwaitedAppend();

    /** Returns the committed index so the work cannot be optimised away. */
    @Benchmark
    public long appendAndAwaitCommit() {
        return append.append(client, buffer, payload);
    }
}
