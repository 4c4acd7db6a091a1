package io.raftlog.tools;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.raftlog.bench.DiskFloor;
import org.HdrHistogram.Histogram;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code raftlog bench disk}: the disk's part of W2 with fsync, to judge a W2 fsync result against. */
@Command(name = "disk", mixinStandardHelpOptions = true,
    description = "Measure the fastest W2 commit this disk allows with fsync: each round, every forcer (one per node)"
        + " writes a record and fdatasyncs it; a round ends when a quorum has; latency from the round's start."
        + " No Raft, no network: run it beside 'raftlog bench --workload W2 --durable true' (the disk changes by the hour)."
        + " With --rate N the rounds fall due N times a second instead (open loop, each forcer covering all rounds due"
        + " when it is free): the floor of 'raftlog bench --rate N --durable true'. It also prints the forces a second"
        + " the disk took; with --bytes 65536 --quorum 3 that is the ceiling of W1 and W1k with fsync.")
public final class BenchDiskCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR", description = "directory on the disk to measure (default: the temp directory, where in-process benchmarks put their journals)")
    Path dir;

    @Option(names = "--rounds", defaultValue = "4000", description = "rounds measured (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--forcers", defaultValue = "3", description = "nodes forcing at once, one file each (default: ${DEFAULT-VALUE})")
    int forcers;

    @Option(names = "--quorum", defaultValue = "2", description = "forces a round waits for (default: ${DEFAULT-VALUE})")
    int quorum;

    @Option(names = "--bytes", defaultValue = "200", description = "bytes each forcer writes per round (default: ${DEFAULT-VALUE}, about W2's record)")
    int bytes;

    @Option(names = "--rate", defaultValue = "0", description = "rounds due per second, open loop (default: ${DEFAULT-VALUE}, each round after the one before)")
    int rate;

    @Option(names = "--json", description = "also print one line RESULT {json}")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Path where = dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"));
        DiskFloor floor = new DiskFloor(where, forcers, quorum, bytes, rounds, rate);
        Histogram h = floor.run();
        System.out.printf(Locale.ROOT, "disk floor of %s with fsync in %s (%d forcers, quorum %d, %d B, %d rounds):%n",
            rate > 0 ? String.format(Locale.ROOT, "an open loop at %,d rounds/s", rate) : "W2", where, forcers, quorum, bytes, rounds);
        System.out.printf(Locale.ROOT, "  p50 %d us  p90 %d us  p99 %d us  p99.9 %d us  max %d us%n",
            h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
            h.getValueAtPercentile(99.9), h.getMaxValue());
        System.out.printf(Locale.ROOT, "  forces: %,.0f/s of all %d forcers (write + fdatasync of %d B each)%n",
            floor.forcesPerSecond(), forcers, bytes);
        if (json) {
            System.out.println(floor.resultLine(h));
        }
        return Cli.OK;
    }
}
