package io.raftlog.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.raftlog.bench.AppendTarget;
import io.raftlog.bench.BenchTargets;
import io.raftlog.bench.Durations;
import io.raftlog.bench.HiccupMeter;
import io.raftlog.bench.LoadGenerator;
import io.raftlog.bench.PeerSystem;
import io.raftlog.bench.LoadResult;
import io.raftlog.bench.LoadSpec;
import io.raftlog.bench.RunLength;
import io.raftlog.bench.RunSeries;
import io.raftlog.bench.Workload;
import io.raftlog.journal.FileErrors;
import io.raftlog.net.server.Threading;
import io.raftlog.pipeline.WaitStrategies;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raftlog bench}: runs one of the shared workloads (W1, W1k, W2 of the design notes) against an
 * in-process 3-node cluster over loopback TCP, or against running servers, and reports throughput and
 * commit latency: a progress line a second, a summary table, optionally the RESULT line and a .hgrm file;
 * with {@code --runs N}, N such runs and the median and range of each figure.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchPlotCommand.class, BenchDiskCommand.class, BenchCpuCommand.class},
    description = {"Measure committed appends/s and commit latency.",
        "The shared workloads:",
        "  W1  128 B payloads, 1024 outstanding, 3 s warm-up, 10 s measured",
        "  W1k W1 with 1 KiB payloads",
        "  W2  128 B payloads, one outstanding, 2,000 appends warm-up, 20,000 measured",
        "Without --cluster it starts 3 nodes in this process (loopback TCP, journals in a temp directory)."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--workload", defaultValue = "W1", paramLabel = "W1|W1k|W2", description = "workload (default: ${DEFAULT-VALUE})")
    String workload;

    @Option(names = "--durable", arity = "1", defaultValue = "true", paramLabel = "true|false",
        description = "true: fsync each batch before it counts (fsync batch); false: page cache only (fsync none)."
            + " With --cluster only a label: the servers' --fsync decides. Default: ${DEFAULT-VALUE}")
    boolean durable;

    @Option(names = "--duration", paramLabel = "TIME", description = "measured phase, e.g. 10s (default: the workload's)")
    String duration;

    @Option(names = "--warmup", paramLabel = "TIME", description = "warm-up phase, e.g. 3s or 0s (default: the workload's)")
    String warmup;

    @Option(names = "--window", paramLabel = "N", description = "most appends outstanding (default: the workload's, 1024 or 1)")
    Integer window;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "N",
        description = "open loop at N appends/s, latency from each append's intended send time (default: closed loop)")
    long rate;

    @Option(names = "--runs", defaultValue = "1", paramLabel = "N",
        description = "run the workload N times (in-process: each on a fresh cluster), then print the median and "
            + "range of each figure, and with --json a MEDIAN {json} line (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--json", description = "also print the one-line RESULT {json}")
    boolean json;

    @Option(names = "--hgrm", paramLabel = "FILE", description = "write the latency percentile distribution (µs) for 'bench plot'")
    Path hgrm;

    @Option(names = "--cluster", paramLabel = "HOST:PORT,...", description = "run against these running servers instead")
    String cluster;

    @Option(names = "--peer", paramLabel = "NAME",
        description = "run the workload on another system's in-process 3-node cluster instead (its jar on the class path; docs/BENCHMARKS.md, \"Peers\")")
    String peer;

    @Option(names = "--wait-strategy", paramLabel = "NAME", defaultValue = WaitStrategies.DEFAULT,
        description = "with --threading dedicated, how the in-process nodes' raft threads wait: lite, phased, sleeping, blocking or yielding (default: ${DEFAULT-VALUE})")
    String waitStrategy;

    @Option(names = "--threading", paramLabel = "MODE", defaultValue = "shared",
        description = "whether the in-process nodes run their network on the raft thread (shared) or on a thread of its own (dedicated); default: ${DEFAULT-VALUE}")
    String threading;

    @Option(names = "--hiccups", arity = "1", defaultValue = "false", paramLabel = "true|false",
        description = "measure beside the run how late a thread asking for 1 ms sleeps wakes (the machine's stalls, which "
            + "no commit can beat); printed in the summary and the RESULT line's hiccup_* fields. Off by default: its "
            + "thousand wake-ups a second cost W1 about 6%% and lengthen its p99.9 on two cores (default: ${DEFAULT-VALUE})")
    boolean hiccups;

    @Override
    public Integer call() throws Exception {
        Threading nodeThreading = Threading.parse(threading);
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1, not " + runs);
        }
        LoadSpec spec = spec();
        if (peer != null && cluster != null) {
            throw new IllegalArgumentException("--peer and --cluster exclude each other: --peer starts its own cluster");
        }
        PeerSystem peerSystem = peer == null ? null : PeerSystem.named(peer);
        // The in-process nodes log every start, election and stop at INFO: noise between the progress lines.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        if (hgrm != null) {
            checkWritable(hgrm);
        }
        PrintStream out = System.out;
        List<LoadResult> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            try (AppendTarget target = target(spec, peerSystem, nodeThreading)) {
                out.printf("%s bench %s%s: %d B, %s, %s, warm-up %s, measured %s; %s%n",
                    target.system(), spec.workload(), runs > 1 ? " (run " + run + " of " + runs + ")" : "", spec.payloadBytes(),
                    spec.openLoop() ? "open loop at " + spec.ratePerSec() + "/s, window " + spec.window() : "window " + spec.window(),
                    spec.durable() ? "durable" : "not durable", spec.warmup(), spec.measured(), target.path());
                LoadResult result;
                try (HiccupMeter meter = hiccups ? HiccupMeter.start() : null) {
                    result = new LoadGenerator(spec, target, out, meter).run();
                }
                result.printSummary(out);
                String described = target.describe();
                if (!described.isEmpty()) {
                    out.println(described);
                }
                if (json) {
                    out.println(result.resultLine());
                }
                out.flush();
                results.add(result);
            }
        }
        RunSeries series = new RunSeries(results);
        if (runs > 1) {
            series.printSummary(out);
            if (json) {
                out.println(series.medianLine());
            }
        }
        if (hgrm != null) {
            try (PrintStream h = new PrintStream(Files.newOutputStream(hgrm), false, StandardCharsets.UTF_8)) {
                series.writeHgrm(h);
            }
            out.println("wrote " + hgrm + (runs > 1 ? " (all " + runs + " runs)" : ""));
        }
        out.flush();
        return series.errors() == 0 ? Cli.OK : Cli.FAILURE;
    }

    /**
     * The --hgrm file is written after every run: one that cannot be written (a directory that refuses new files, such
     * as /proc) is found out now, not after the whole benchmark. Opened for writing without truncating, and removed
     * again if this made it.
     */
    private static void checkWritable(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("cannot write --hgrm " + file + ": " + (Files.exists(dir)
                ? dir + " is not a directory" : "directory " + dir + " does not exist"));
        }
        boolean existed = Files.exists(file);
        try {
            FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
            if (!existed) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write --hgrm " + file + ": " + FileErrors.why(file, e), e);
        }
    }

    private AppendTarget target(LoadSpec spec, PeerSystem peerSystem, Threading nodeThreading) {
        if (peerSystem != null) {
            return peerSystem.start(spec);
        }
        return cluster == null ? BenchTargets.inProcess(spec, waitStrategy, nodeThreading) : BenchTargets.remote(cluster, spec);
    }

    LoadSpec spec() {
        LoadSpec spec = LoadSpec.of(Workload.parse(workload), durable);
        if (window != null) {
            spec = spec.withWindow(window);
        }
        if (rate != 0) {
            spec = spec.withRate(rate);
        }
        if (warmup != null) {
            spec = spec.withWarmup(RunLength.ofTime(runLength(warmup, "--warmup")));
        }
        if (duration != null) {
            spec = spec.withMeasured(RunLength.ofTime(runLength(duration, "--duration")));
        }
        return spec;
    }

    /** A phase's length, its refusal naming the flag ("bad duration '10'" and a negative run length named none). */
    private static java.time.Duration runLength(String text, String option) {
        java.time.Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException(option + " must not be negative, was '" + text + "'");
        }
        return d;
    }
}
