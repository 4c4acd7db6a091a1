package io.raftlog.bench;

import java.io.PrintStream;
import java.util.Locale;

import org.HdrHistogram.Histogram;

/**
 * What one measured phase produced: committed appends, the time they took, and their commit latencies
 * (nanoseconds, in an HdrHistogram). Prints itself three ways: the human summary table, the one-line
 * {@code RESULT {json}} of the design notes, and HdrHistogram's percentile distribution (.hgrm, in µs).
 *
 * @param system  the replicated log measured: "raftlog", or a peer's name ({@link PeerSystem})
 * @param ops     appends sent in the measured phase and acknowledged as committed
 * @param seconds from the first measured send to the end of sending (see {@link LoadGenerator#run})
 * @param errors  measured appends that failed or were never acknowledged
 * @param cpuNanos CPU time this process used over the measured phase (all its threads: with an in-process
 *                 cluster the three nodes and the client, with {@code --cluster} the client alone); -1 if unknown
 * @param hiccupNanos how late a thread asking for 1 ms sleeps woke over the measured phase ({@link HiccupMeter});
 *                    null if not measured
 * @param serviceNanos open loop: each append's time from its actual send (not its due time) to its
 *                     acknowledgement; null in a closed loop, where the two are the same
 * @param disk    what the disk under the cluster's data wrote over the measured phase ({@link DiskCounters}); null
 *                if not measured (a remote cluster, a file system without a block device of its own)
 */
public record LoadResult(String system, LoadSpec spec, String path, long ops, double seconds, long errors,
                         Histogram latencyNanos, long cpuNanos, Histogram hiccupNanos, Histogram serviceNanos,
                         DiskActivity disk) {
    /** Unit of the .hgrm files this writes: values are microseconds. */
    public static final double HGRM_SCALE_NANOS_PER_UNIT = 1_000.0;

    public double opsPerSecond() {
        return seconds > 0 ? ops / seconds : 0;
    }

    /** Payload megabytes (10^6 bytes) committed per second; framing and headers not counted. */
    public double mbPerSecond() {
        return opsPerSecond() * spec.payloadBytes() / 1e6;
    }

    /**
     * Microseconds of this process's CPU per committed append, or -1 when unknown: what an append costs, which
     * throughput alone does not tell when cores sit idle (W1 none left a fifth of two cores idle here) or when
     * the machine's neighbours take some.
     */
    public double cpuMicrosPerOp() {
        return cpuNanos < 0 || ops == 0 ? -1 : cpuNanos / 1e3 / ops;
    }

    /** The latency at a percentile (0-100) in microseconds; 0 when nothing was measured. */
    public double percentileMicros(double percentile) {
        return latencyNanos.getTotalCount() == 0 ? 0 : latencyNanos.getValueAtPercentile(percentile) / 1e3;
    }

    public double maxMicros() {
        return latencyNanos.getTotalCount() == 0 ? 0 : latencyNanos.getMaxValue() / 1e3;
    }

    /** Bytes the disk wrote per committed append, or -1 if not measured. */
    public double diskBytesPerOp() {
        return disk == null ? -1 : disk.bytesPerOp(ops);
    }

    /** Megabytes (10^6 bytes) the disk wrote a second, or -1 if not measured. */
    public double diskMbPerSecond() {
        return disk == null ? -1 : disk.writeMbPerSecond();
    }

    /** Cache flushes the disk completed a second, or -1 if not measured or not counted. */
    public double diskFlushesPerSecond() {
        return disk == null ? -1 : disk.flushesPerSecond();
    }

    /** How late the hiccup meter woke at a percentile (0-100), or its maximum at 100, in µs; -1 if not measured. */
    public double hiccupMicros(double percentile) {
        return micros(hiccupNanos, percentile);
    }

    /** Open loop: the service time (from the actual send) at a percentile, or its maximum at 100, in µs; -1 if not measured. */
    public double serviceMicros(double percentile) {
        return micros(serviceNanos, percentile);
    }

    private static double micros(Histogram nanos, double percentile) {
        if (nanos == null || nanos.getTotalCount() == 0) {
            return -1;
        }
        return (percentile >= 100 ? nanos.getMaxValue() : nanos.getValueAtPercentile(percentile)) / 1e3;
    }

    /**
     * The one line a run prints for machines: {@code RESULT {json}} with the fields the design notes
     * define, in their order, then extras (p90_us, rate, errors, cpu_us_per_op, the hiccup meter's p99, p99.9
     * and max, an open loop's service time at p50, p99 and p99.9, the disk's MB/s, flushes/s and bytes per
     * append, each when known; last the {@link GeneratorBuild} stamp). Latencies are µs with
     * one decimal.
     */
    public String resultLine() {
        return jsonHead("RESULT", system, spec)
            .number("ops", ops)
            .decimal("seconds", seconds, 3)
            .decimal("ops_per_s", opsPerSecond(), 1)
            .decimal("mb_per_s", mbPerSecond(), 3)
            .decimal("p50_us", percentileMicros(50), 1)
            .decimal("p99_us", percentileMicros(99), 1)
            .decimal("p999_us", percentileMicros(99.9), 1)
            .decimal("max_us", maxMicros(), 1)
            .text("path", path)
            .decimal("p90_us", percentileMicros(90), 1)
            .number("rate", spec.ratePerSec())
            .number("errors", errors)
            .decimalIfKnown("cpu_us_per_op", cpuMicrosPerOp(), 2)
            .decimalIfKnown("hiccup_p99_us", hiccupMicros(99), 1)
            .decimalIfKnown("hiccup_p999_us", hiccupMicros(99.9), 1)
            .decimalIfKnown("hiccup_max_us", hiccupMicros(100), 1)
            .decimalIfKnown("service_p50_us", serviceMicros(50), 1)
            .decimalIfKnown("service_p99_us", serviceMicros(99), 1)
            .decimalIfKnown("service_p999_us", serviceMicros(99.9), 1)
            .decimalIfKnown("disk_mb_per_s", diskMbPerSecond(), 1)
            .decimalIfKnown("disk_flushes_per_s", diskFlushesPerSecond(), 1)
            .decimalIfKnown("disk_bytes_per_op", diskBytesPerOp(), 1)
            .text("generator", GeneratorBuild.ID)
            .toString();
    }

    /** The summary table people read after the progress lines. */
    public void printSummary(PrintStream out) {
        out.printf(Locale.ROOT, "%nworkload    %s: %d B payloads, %s, %s%n", spec.workload(), spec.payloadBytes(),
            spec.openLoop() ? String.format(Locale.ROOT, "open loop at %,d appends/s (window %d)", spec.ratePerSec(), spec.window())
                : "closed loop, window " + spec.window(),
            spec.durable() ? "durable (fsync before an entry counts)" : "not durable (page cache only)");
        out.printf(Locale.ROOT, "path        %s%s%n", path, AppendTarget.RAFTLOG.equals(system) ? "" : " (" + system + ")");
        out.printf(Locale.ROOT, "measured    %,d appends committed in %.3f s, %,d failed%n", ops, seconds, errors);
        out.printf(Locale.ROOT, "throughput  %,.0f appends/s, %.1f MB/s of payload%n", opsPerSecond(), mbPerSecond());
        out.printf(Locale.ROOT, "latency us  %10s %10s %10s %10s %10s %10s%n", "p50", "p90", "p99", "p99.9", "p99.99", "max");
        out.printf(Locale.ROOT, "            %,10.1f %,10.1f %,10.1f %,10.1f %,10.1f %,10.1f%n", percentileMicros(50),
            percentileMicros(90), percentileMicros(99), percentileMicros(99.9), percentileMicros(99.99), maxMicros());
        if (serviceMicros(50) >= 0) {
            out.printf(Locale.ROOT, "service us  %,10.1f %,10.1f %,10.1f %,10.1f %,10.1f %,10.1f  (from the actual send; latency counts from the due time)%n",
                serviceMicros(50), serviceMicros(90), serviceMicros(99), serviceMicros(99.9), serviceMicros(99.99), serviceMicros(100));
        }
        if (cpuMicrosPerOp() >= 0) {
            out.printf(Locale.ROOT, "cpu         %.2f us of this process's CPU time per committed append%n", cpuMicrosPerOp());
        }
        if (hiccupMicros(50) >= 0) {
            out.printf(Locale.ROOT, "hiccups us  %,10.1f %,10.1f %,10.1f %,10.1f %,10.1f %,10.1f  (how late a 1 ms sleep woke: the machine's stalls)%n",
                hiccupMicros(50), hiccupMicros(90), hiccupMicros(99), hiccupMicros(99.9), hiccupMicros(99.99), hiccupMicros(100));
        }
        if (disk != null) {
            out.printf(Locale.ROOT, "disk        %s wrote %,.1f MB/s in %,.0f writes/s%s, %,.0f B per committed append (the whole device's writes)%n",
                disk.device(), disk.writeMbPerSecond(), disk.writesPerSecond(),
                disk.flushesPerSecond() < 0 ? "" : String.format(Locale.ROOT, " and %,.0f flushes/s", disk.flushesPerSecond()),
                diskBytesPerOp());
        }
        out.flush();
    }

    /** HdrHistogram's percentile distribution of the commit latency, values in microseconds. */
    public void writeHgrm(PrintStream out) {
        latencyNanos.outputPercentileDistribution(out, 5, HGRM_SCALE_NANOS_PER_UNIT);
        out.flush();
    }

    /** {@code PREFIX {"system", "workload", "durable", "payload", "window"}: how every result line starts. */
    static JsonLine jsonHead(String prefix, String system, LoadSpec spec) {
        return new JsonLine(prefix)
            .text("system", system)
            .text("workload", spec.workload().name())
            .bool("durable", spec.durable())
            .number("payload", spec.payloadBytes())
            .number("window", spec.window());
    }
}
