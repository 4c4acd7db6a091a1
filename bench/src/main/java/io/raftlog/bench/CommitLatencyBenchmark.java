package io.raftlog.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * Commit latency of one append at a time (W2's shape): append, wait for the client's acknowledgement,
 * repeat. SampleTime reports the percentiles. A closed loop: these are service times of one outstanding
 * append, where a stall delays only the append in flight, not what a producer at a given rate would see
 * (the load generator's {@code --rate} measures that). One thread: the awaited append is this state's own.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public class CommitLatencyBenchmark extends ClusterBenchmarkBase {

    private final AwaitedAppend append = new AwaitedAppend();

    /** Returns the committed index so the work cannot be optimised away. */
    @Benchmark
    public long appendAndAwaitCommit() {
        return append.append(client, buffer, payload);
    }
}
