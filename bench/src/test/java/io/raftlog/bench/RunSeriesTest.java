package io.raftlog.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class RunSeriesTest {

    /**
     * A run of {@code ops} appends in one second whose latencies are all {@code latencyMicros}, 2 µs CPU each,
     * whose hiccup meter woke a tenth of the latency late every time, and whose service time was half the latency.
     */
    private static LoadResult run(long ops, long latencyMicros, long errors) {
        Histogram h = LoadGenerator.newHistogram();
        h.recordValueWithCount(latencyMicros * 1_000L, 100);
        Histogram hiccups = LoadGenerator.newHistogram();
        hiccups.recordValueWithCount(latencyMicros * 100L, 1_000);
        Histogram service = LoadGenerator.newHistogram();
        service.recordValueWithCount(latencyMicros * 500L, 100);
        return new LoadResult(AppendTarget.RAFTLOG, LoadSpec.of(Workload.W1, false), "in-process 3 nodes", ops, 1.0, errors, h, ops * 2_000,
            hiccups, service, null);
    }

    private static LoadResult withoutHiccupsOrServiceTime(LoadResult r) {
        return new LoadResult(r.system(), r.spec(), r.path(), r.ops(), r.seconds(), r.errors(), r.latencyNanos(), r.cpuNanos(), null, null, null);
    }

    @Test
    void eachFigureIsTheMedianOfTheRunsWithItsRange() {
        RunSeries series = new RunSeries(List.of(run(600_000, 900, 0), run(500_000, 2_000, 0), run(700_000, 1_000, 0)));

        assertThat(series.opsPerSecond()).isEqualTo(new RunSeries.Spread(600_000, 500_000, 700_000));
        assertThat(series.percentileMicros(99).median()).isCloseTo(1_000, within(2.0));
        assertThat(series.percentileMicros(99).min()).isCloseTo(900, within(2.0));
        assertThat(series.percentileMicros(99).max()).isCloseTo(2_000, within(3.0));
    }

    @Test
    void anEvenNumberOfRunsTakesTheMeanOfTheMiddleTwo() {
        RunSeries series = new RunSeries(List.of(run(400_000, 1, 0), run(800_000, 1, 0), run(500_000, 1, 0), run(600_000, 1, 0)));
        assertThat(series.opsPerSecond().median()).isEqualTo(550_000);
    }

    @Test
    void theMedianLineCarriesTheRunsAndTheThroughputRangeAndSumsErrors() {
        String line = new RunSeries(List.of(run(600_000, 900, 1), run(500_000, 2_000, 2), run(700_000, 1_000, 0))).medianLine();
        assertThat(line).startsWith("MEDIAN {").endsWith("}").doesNotContain("\n")
            .contains("\"workload\":\"W1\"", "\"durable\":false", "\"runs\":3", "\"ops_per_s\":600000.0",
                "\"ops_per_s_min\":500000.0", "\"ops_per_s_max\":700000.0", "\"errors\":3", "\"cpu_us_per_op\":2.00",
                "\"hiccup_p999_us\":100.0", "\"hiccup_max_us\":100.0", "\"service_p50_us\":", "\"service_p99_us\":",
                "\"mb_per_s\":", "\"p90_us\":", "\"hiccup_p99_us\":", "\"service_p999_us\":");
        assertThat(new RunSeries(List.of(run(1, 1, 0), withoutHiccupsOrServiceTime(run(1, 1, 0)))).medianLine())
            .doesNotContain("hiccup", "service");
    }

    @Test
    void theSummaryAndTheHistogramCoverEveryRun() {
        RunSeries series = new RunSeries(List.of(run(600_000, 900, 0), run(500_000, 2_000, 0)));
        assertThat(series.mergedLatencyNanos().getTotalCount()).isEqualTo(200);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        series.printSummary(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("2 runs", "550,000 appends/s [500,000 - 600,000]", "hiccups us  p99.9",
            "service us  p50");
        assertThat(series.hiccupMicros(99.9).median()).isCloseTo(145, within(0.5));
        assertThat(series.hiccupMicros(99.9).max()).isCloseTo(200, within(0.5));
        assertThat(series.serviceMicros(50).median()).isCloseTo(725, within(1.0));
    }

    @Test
    void diskFiguresAreMediansToo() {
        RunSeries series = new RunSeries(List.of(withDisk(run(500_000, 1, 0), 600_000_000L), withDisk(run(500_000, 1, 0), 500_000_000L),
            withDisk(run(500_000, 1, 0), 400_000_000L)));

        assertThat(series.diskBytesPerOp()).isEqualTo(new RunSeries.Spread(1_000, 800, 1_200));
        assertThat(series.diskMbPerSecond()).isEqualTo(new RunSeries.Spread(500, 400, 600));
        assertThat(series.diskFlushesPerSecond()).isEqualTo(new RunSeries.Spread(100, 100, 100));
        assertThat(series.medianLine()).contains("\"disk_mb_per_s\":500.0", "\"disk_flushes_per_s\":100.0", "\"disk_bytes_per_op\":1000.0");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        series.printSummary(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("disk        500.0 MB/s [400.0 - 600.0], 100 flushes/s [100 - 100], 1,000 B per append [800 - 1,200]");
        assertThat(new RunSeries(List.of(withDisk(run(1, 1, 0), 1_000), run(1, 1, 0))).medianLine()).doesNotContain("disk");
    }

    @Test
    void aSummaryLeavesOutFlushesTheKernelDidNotCount() {
        LoadResult r = run(500_000, 1, 0);
        RunSeries series = new RunSeries(List.of(new LoadResult(r.system(), r.spec(), r.path(), r.ops(), r.seconds(), r.errors(),
            r.latencyNanos(), r.cpuNanos(), null, null, new DiskActivity("sda", 500_000_000L, 1_000, -1, 1.0))));

        assertThat(series.diskFlushesPerSecond()).isNull();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        series.printSummary(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("disk        500.0 MB/s [500.0 - 500.0], 1,000 B per append")
            .doesNotContain("flushes");
    }

    /** The run with a disk that wrote {@code bytes} in its one second. */
    private static LoadResult withDisk(LoadResult r, long bytes) {
        return new LoadResult(r.system(), r.spec(), r.path(), r.ops(), r.seconds(), r.errors(), r.latencyNanos(), r.cpuNanos(),
            r.hiccupNanos(), r.serviceNanos(), new DiskActivity("vda", bytes, 1_000, 100, 1.0));
    }

    @Test
    void aSeriesNeedsARun() {
        assertThatThrownBy(() -> new RunSeries(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
