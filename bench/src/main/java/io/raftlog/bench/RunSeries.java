package io.raftlog.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

import org.HdrHistogram.Histogram;

/**
 * Several runs of one workload, each on a fresh cluster, summarised the way numbers from a shared machine
 * should be quoted: the median of each figure with its range. On the 2-core benchmark machine single runs of
 * the same build differ by 20% and more (docs/BENCHMARKS.md), so one run says little about a change.
 */
public record RunSeries(List<LoadResult> runs) {

    /** One figure over the runs. */
    public record Spread(double median, double min, double max) {
        static Spread of(List<LoadResult> runs, ToDoubleFunction<LoadResult> figure) {
            double[] v = runs.stream().mapToDouble(figure).sorted().toArray();
            int n = v.length;
            double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
            return new Spread(median, v[0], v[n - 1]);
        }
    }

    public RunSeries {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("a series needs at least one run");
        }
        runs = List.copyOf(runs);
    }

    public Spread opsPerSecond() {
        return Spread.of(runs, LoadResult::opsPerSecond);
    }

    public Spread percentileMicros(double percentile) {
        return Spread.of(runs, r -> r.percentileMicros(percentile));
    }

    public Spread maxMicros() {
        return Spread.of(runs, LoadResult::maxMicros);
    }

    /** CPU per committed append over the runs; null when some run could not tell. */
    public Spread cpuMicrosPerOp() {
        return ifEveryRunKnows(LoadResult::cpuMicrosPerOp);
    }

    /** The hiccup meter's figure at a percentile (100: its maximum) over the runs, or null if a run did not measure it. */
    public Spread hiccupMicros(double percentile) {
        return ifEveryRunKnows(r -> r.hiccupMicros(percentile));
    }

    /** An open loop's service time at a percentile over the runs, or null if a run did not measure it (closed loop). */
    public Spread serviceMicros(double percentile) {
        return ifEveryRunKnows(r -> r.serviceMicros(percentile));
    }

    /** Bytes the disk wrote per committed append over the runs, or null if a run did not measure it. */
    public Spread diskBytesPerOp() {
        return ifEveryRunKnows(LoadResult::diskBytesPerOp);
    }

    /** The disk's write MB/s over the runs, or null if a run did not measure it. */
    public Spread diskMbPerSecond() {
        return ifEveryRunKnows(LoadResult::diskMbPerSecond);
    }

    /** The disk's cache flushes a second over the runs, or null if a run did not count them. */
    public Spread diskFlushesPerSecond() {
        return ifEveryRunKnows(LoadResult::diskFlushesPerSecond);
    }

    /** A figure's spread, or null when some run did not know it (reported it as negative). */
    private Spread ifEveryRunKnows(ToDoubleFunction<LoadResult> figure) {
        return runs.stream().anyMatch(r -> figure.applyAsDouble(r) < 0) ? null : Spread.of(runs, figure);
    }

    public long errors() {
        return runs.stream().mapToLong(LoadResult::errors).sum();
    }

    /** Every run's latencies in one histogram (what {@code --hgrm} writes for a series). */
    public Histogram mergedLatencyNanos() {
        Histogram all = runs.get(0).latencyNanos().copy();
        for (int i = 1; i < runs.size(); i++) {
            all.add(runs.get(i).latencyNanos());
        }
        return all;
    }

    /** Writes every run's latencies as one HdrHistogram percentile distribution (µs), for {@code bench plot}. */
    public void writeHgrm(PrintStream out) {
        mergedLatencyNanos().outputPercentileDistribution(out, 5, LoadResult.HGRM_SCALE_NANOS_PER_UNIT);
        out.flush();
    }

    public void printSummary(PrintStream out) {
        out.printf(Locale.ROOT, "%nseries      %d runs: median [min - max] of the runs%n", runs.size());
        Spread ops = opsPerSecond();
        out.printf(Locale.ROOT, "throughput  %,.0f appends/s [%,.0f - %,.0f]%n", ops.median(), ops.min(), ops.max());
        line(out, "p50", percentileMicros(50));
        line(out, "p99", percentileMicros(99));
        line(out, "p99.9", percentileMicros(99.9));
        line(out, "max", maxMicros());
        Spread cpu = cpuMicrosPerOp();
        if (cpu != null) {
            out.printf(Locale.ROOT, "cpu us      per append %.2f [%.2f - %.2f]%n", cpu.median(), cpu.min(), cpu.max());
        }
        Spread hiccups = hiccupMicros(99.9);
        if (hiccups != null) {
            out.printf(Locale.ROOT, "hiccups us  p99.9  %,10.1f [%,.1f - %,.1f]%n", hiccups.median(), hiccups.min(), hiccups.max());
        }
        Spread service = serviceMicros(50);
        if (service != null) {
            out.printf(Locale.ROOT, "service us  p50    %,10.1f [%,.1f - %,.1f]%n", service.median(), service.min(), service.max());
        }
        Spread diskBytes = diskBytesPerOp();
        Spread diskMb = diskMbPerSecond();
        Spread diskFlushes = diskFlushesPerSecond();
        if (diskBytes != null && diskMb != null) {
            // As each run's own disk line: the flushes only where the kernel counts them.
            out.printf(Locale.ROOT, "disk        %,.1f MB/s [%,.1f - %,.1f]%s, %,.0f B per append [%,.0f - %,.0f]%n",
                diskMb.median(), diskMb.min(), diskMb.max(),
                diskFlushes == null ? "" : String.format(Locale.ROOT, ", %,.0f flushes/s [%,.0f - %,.0f]",
                    diskFlushes.median(), diskFlushes.min(), diskFlushes.max()),
                diskBytes.median(), diskBytes.min(), diskBytes.max());
        }
        out.flush();
    }

    private static void line(PrintStream out, String name, Spread s) {
        out.printf(Locale.ROOT, "latency us  %-6s %,10.1f [%,.1f - %,.1f]%n", name, s.median(), s.min(), s.max());
    }

    /** {@code MEDIAN {json}}: the RESULT fields as medians over the runs, plus the throughput's range. */
    public String medianLine() {
        LoadResult first = runs.get(0);
        LoadSpec spec = first.spec();
        Spread ops = opsPerSecond();
        Spread cpu = cpuMicrosPerOp();
        return LoadResult.jsonHead("MEDIAN", first.system(), spec)
            .number("runs", runs.size())
            .decimal("ops_per_s", ops.median(), 1)
            .decimal("ops_per_s_min", ops.min(), 1)
            .decimal("ops_per_s_max", ops.max(), 1)
            .decimal("mb_per_s", Spread.of(runs, LoadResult::mbPerSecond).median(), 3)
            .decimal("p50_us", percentileMicros(50).median(), 1)
            .decimal("p90_us", percentileMicros(90).median(), 1)
            .decimal("p99_us", percentileMicros(99).median(), 1)
            .decimal("p999_us", percentileMicros(99.9).median(), 1)
            .decimal("max_us", maxMicros().median(), 1)
            .text("path", first.path())
            .number("rate", spec.ratePerSec())
            .number("errors", errors()) // a total over the runs, not a median: any failure counts
            .decimalIfKnown("cpu_us_per_op", median(cpu), 2)
            .decimalIfKnown("hiccup_p99_us", median(hiccupMicros(99)), 1)
            .decimalIfKnown("hiccup_p999_us", median(hiccupMicros(99.9)), 1)
            .decimalIfKnown("hiccup_max_us", median(hiccupMicros(100)), 1)
            .decimalIfKnown("service_p50_us", median(serviceMicros(50)), 1)
            .decimalIfKnown("service_p99_us", median(serviceMicros(99)), 1)
            .decimalIfKnown("service_p999_us", median(serviceMicros(99.9)), 1)
            .decimalIfKnown("disk_mb_per_s", median(diskMbPerSecond()), 1)
            .decimalIfKnown("disk_flushes_per_s", median(diskFlushesPerSecond()), 1)
            .decimalIfKnown("disk_bytes_per_op", median(diskBytesPerOp()), 1)
            .text("generator", GeneratorBuild.ID)
            .toString();
    }

    private static double median(Spread spread) {
        return spread == null ? -1 : spread.median();
    }
}
