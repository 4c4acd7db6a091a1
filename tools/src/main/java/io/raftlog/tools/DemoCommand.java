package io.raftlog.tools;

import io.raftlog.net.client.LogClient;
import io.raftlog.net.client.LogClientException;
import io.raftlog.net.client.NodeStatus;
import io.raftlog.net.client.TailSubscription;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raftlog demo}: the README's first command. Starts three server processes ({@code java -jar} of
 * this very jar) on free loopback ports in a temp directory, produces and tails at the same time, kills
 * the leader with SIGKILL part-way, restarts it, and checks that every acknowledged entry was consumed
 * exactly once, in index order, without gaps. Cleans up (processes and directory) also on Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run a 3-node cluster here, kill its leader under load, verify the stream.",
        "It produces and tails while the leader is killed (-9) and restarted, then checks every entry",
        "arrived once. No setup; takes about half a minute; leaves nothing behind."})
public final class DemoCommand implements Callable<Integer> {
    private static final int PAYLOAD = 128;
    private static final int WINDOW = 1024;

    @Option(names = "--seconds", defaultValue = "3", paramLabel = "S",
        description = "produce for S seconds before the kill, and S after the new leader (default: ${DEFAULT-VALUE})")
    int phaseSeconds;

    @Option(names = "--keep", description = "keep the temp directory (node logs and journals) for inspection")
    boolean keep;

    private final PrintStream out = System.out;
    private long t0;

    @Override
    public Integer call() throws Exception {
        if (phaseSeconds < 1 || phaseSeconds > 60) {
            throw new IllegalArgumentException("--seconds must be in 1..60, was " + phaseSeconds);
        }
        Path jar = LocalCluster.findJar();
        t0 = System.nanoTime();
        for (Path left : DemoDirs.removeAbandoned(Path.of(System.getProperty("java.io.tmpdir")))) {
            say("removed %s, left by a demo that was killed", left);
        }
        Path dir = DemoDirs.create();
        LocalCluster cluster = LocalCluster.start(jar, dir, !keep, 3, List.of());
        Thread cleanup = new Thread(cluster::close, "raftlog-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup); // Ctrl-C: kill the nodes, delete the directory
        try {
            say("started 3 nodes on %s (data and logs in %s)", cluster.clientCluster(), dir);
            return run(cluster);
        } finally {
            cluster.close();
            if (keep) {
                DemoDirs.disown(dir);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs anyway
            }
            say(keep ? "stopped the nodes; kept %s" : "stopped the nodes and removed %s", dir);
        }
    }

    private int run(LocalCluster cluster) throws Exception {
        StreamCheck check = new StreamCheck();
        try (ClusterWatch watch = new ClusterWatch(cluster.addresses(), 0);
             LogClient client = LogClient.builder(cluster.addresses()).window(WINDOW).timeout(Duration.ofSeconds(30)).build()) {
            ClusterWatch.LeaderChange first = watch.awaitLeader(l -> true, Duration.ofSeconds(30));
            if (first == null) {
                throw new LogClientException("no leader elected within 30 s; last lines of node 1's log:\n" + cluster.tailOfLog(1, 10));
            }
            say("node %d (%s) is the leader, term %d", first.nodeId(), first.address(), first.term());

            TailSubscription tail = client.tail(1, true, check::consumed);
            Producer producer = new Producer(client, WINDOW, (tag, index, line) -> check.acknowledged(tag, index));
            AtomicBoolean stop = new AtomicBoolean();
            Thread producing = new Thread(() -> {
                UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
                for (long tag = 0; !stop.get(); tag++) {
                    ProduceCommand.generate(payload, tag);
                    producer.submit(payload, 0, PAYLOAD, tag, null);
                }
            }, "raftlog-demo-producer");
            try {
                long produceStart = System.nanoTime();
                producing.start();
                say("producing %d-byte entries (up to %d outstanding) and tailing from index 1", PAYLOAD, WINDOW);

                progressFor(phaseSeconds, producer, check, watch);
                ClusterWatch.LeaderChange current = watch.leader();
                int victim = current.nodeId();
                cluster.kill(victim);
                long killedAt = System.nanoTime();
                say("kill -9 node %d (the leader)", victim);
                ClusterWatch.LeaderChange next = watch.awaitLeader(l -> l.nodeId() != victim && l.atNanos() > killedAt,
                    Duration.ofSeconds(30));
                if (next == null) {
                    throw new LogClientException("no new leader within 30 s of killing node " + victim);
                }
                say("node %d is the new leader, term %d, %d ms after the kill", next.nodeId(), next.term(),
                    TimeUnit.NANOSECONDS.toMillis(next.atNanos() - killedAt));
                progressFor(phaseSeconds, producer, check, watch);
                cluster.start(victim);
                say("restarted node %d", victim);
                progressFor(1, producer, check, watch);
                stop.set(true);
                producing.join();
                long produceEnd = System.nanoTime();
                if (!producer.awaitAll(Duration.ofSeconds(35))) {
                    throw new LogClientException("appends still outstanding 35 s after the producer stopped");
                }
                long target = check.maxAckedIndex();
                boolean caughtUp = awaitNanos(Duration.ofSeconds(20), () -> check.lastConsumedIndex() >= target);
                tail.close();
                boolean rejoined = watch.awaitStatus(all -> all.stream().anyMatch(s -> s.nodeId() == victim && s.reachable()
                    && s.lastIndex() >= target), Duration.ofSeconds(20));
                say(rejoined ? "node %d rejoined and holds every entry up to index %d, the last acknowledged (indexes count each"
                    + " leader's no-op too)" : "node %d has not caught up to index %d, the last acknowledged, yet", victim, target);

                StreamCheck.Result r = check.check();
                summary(producer, r, produceEnd - produceStart, watch.changes(), caughtUp);
                if (!r.ok() || !caughtUp || producer.failed() > 0) {
                    throw new LogClientException("demo verification failed: " + r.problems() + ", " + producer.failed()
                        + " appends failed" + (caughtUp ? "" : ", the tail did not reach index " + target));
                }
                return Cli.OK;
            } finally {
                // On an error too: the producer left running kept submitting (busy, each append failing "client is
                // closed") once the client closed. Closing the client first ends a submit waiting for room.
                stop.set(true);
                if (producing.isAlive()) {
                    client.close();
                }
                producing.join();
                tail.close();
            }
        }
    }

    private void progressFor(int seconds, Producer producer, StreamCheck check, ClusterWatch watch) throws InterruptedException {
        for (int i = 0; i < seconds; i++) {
            TimeUnit.SECONDS.sleep(1); // the demo's pace: one progress line a second
            ClusterWatch.LeaderChange l = watch.leader();
            boolean leaderUp = l != null && watch.latest().stream().anyMatch(s -> s.isLeader() && s.nodeId() == l.nodeId());
            say("acknowledged %,d  consumed %,d  leader %s", producer.acknowledged(), check.consumedCount(),
                leaderUp ? "node " + l.nodeId() : "(none)");
        }
    }

    private static boolean awaitNanos(Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return true;
    }

    private void summary(Producer producer, StreamCheck.Result r, long produceNanos, List<ClusterWatch.LeaderChange> changes,
                         boolean caughtUp) {
        Histogram h = producer.latencyMicros();
        double seconds = produceNanos / 1e9;
        out.println();
        out.println("summary");
        out.printf(Locale.ROOT, "  produced      %,d entries of %d bytes acknowledged, %,d failed%n", producer.acknowledged(),
            PAYLOAD, producer.failed());
        out.printf(Locale.ROOT, "  consumed      %,d entries: %s%n", r.consumed(), r.ok() && caughtUp
            ? "every acknowledged entry exactly once, in index order, no gaps"
            : "PROBLEM: " + r.problems());
        out.printf(Locale.ROOT, "  throughput    %,.0f entries/s (%.1f MB/s) over %.1f s, including the failover%n",
            producer.acknowledged() / seconds, producer.acknowledged() * PAYLOAD / seconds / 1e6, seconds);
        out.printf(Locale.ROOT, "  commit latency p50 %s, p99 %s, max %s (the max spans the failover)%n",
            ProduceCommand.micros(h.getValueAtPercentile(50)), ProduceCommand.micros(h.getValueAtPercentile(99)),
            ProduceCommand.micros(h.getMaxValue()));
        StringBuilder sb = new StringBuilder();
        for (int i = Math.max(0, changes.size() - 6); i < changes.size(); i++) {
            ClusterWatch.LeaderChange c = changes.get(i);
            sb.append(sb.length() == 0 ? "" : " -> ").append("node ").append(c.nodeId()).append(" (term ").append(c.term()).append(')');
        }
        out.printf(Locale.ROOT, "  leaders       %d seen: %s%s%n", changes.size(), changes.size() > 6 ? "..., " : "", sb);
        out.flush();
    }

    private void say(String format, Object... args) {
        double t = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "[%5.1f s] %s%n", t, String.format(Locale.ROOT, format, args));
        out.flush();
    }

}
