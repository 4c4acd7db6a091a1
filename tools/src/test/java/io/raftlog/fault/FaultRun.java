package io.raftlog.fault;

import io.raftlog.journal.JournalOptions;
import io.raftlog.net.client.LogClient;
import io.raftlog.net.client.LogEntry;
import io.raftlog.net.client.TailIterator;
import io.raftlog.raft.EntryType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

/**
 * One fault run end to end: start the cluster behind its proxies, run the workload while the nemesis
 * follows the seeded schedule, heal, let it settle, read every node's final log, check, report. The
 * history and report land in the run's directory; a failed run is replayed from its history with
 * {@link #replay}.
 */
final class FaultRun {

    /**
     * @param retention the servers' {@code --retention} (e.g. {@code 3s}, on one-second journal files), or null: off
     */
    record Config(long seed, Duration duration, int nodes, ServerLaunch server, Path dir, String fsync, Workload.Settings workload,
                  List<Nemesis> first, String retention) {
        Config(long seed, Duration duration, int nodes, ServerLaunch server, Path dir, String fsync, Workload.Settings workload,
               List<Nemesis> first) {
            this(seed, duration, nodes, server, dir, fsync, workload, first, null);
        }

        /** JVM flags of every server: retention needs files of a second, or nothing would be old enough to drop. */
        List<String> serverJvmFlags() {
            if (retention == null) {
                return SERVER_JVM_FLAGS;
            }
            List<String> flags = new ArrayList<>(SERVER_JVM_FLAGS);
            flags.add("-D" + ROLL_CYCLE_PROPERTY + "=TEST_SECONDLY");
            return flags;
        }

        List<String> serverArgs() {
            return retention == null ? List.of("--fsync", fsync) : List.of("--fsync", fsync, "--retention", retention);
        }

        /** How the journals are read after the run: with the roll cycle the servers wrote them with. */
        JournalOptions journalOptions() {
            return retention == null ? JournalOptions.defaults() : JournalOptions.defaults().rollCycle(TestRollCycles.TEST_SECONDLY);
        }
    }

    /** The servers' roll cycle property (JournalOptions): TEST_SECONDLY rolls a journal file every second. */
    static final String ROLL_CYCLE_PROPERTY = "raftlog.journal.rollCycle";

    /**
     * @param snapshotsInstalled leaders' snapshots the servers logged installing (retention only)
     * @param snapshotsSent      snapshots the leaders logged sending (once per follower and index)
     */
    record Result(boolean passed, List<Checker.Verdict> verdicts, String report, Path reportFile, Path historyFile,
                  TreeSet<String> nemesesRun, Availability availability, long snapshotsInstalled, long snapshotsSent) {
    }

    /** Server JVMs: small heaps and C1 only, as three of them share two cores with the test. */
    static final List<String> SERVER_JVM_FLAGS = List.of("-Xmx256m", "-XX:MaxDirectMemorySize=512m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1");
    /** The line {@code raftlog server} prints once it accepts connections. */
    static final Predicate<String> READY = line -> line.startsWith("raftlog node ") && line.contains(" serving on ");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(40);
    private static final Duration CONSUMER_CATCH_UP = Duration.ofSeconds(20);
    /** Appends acknowledged over the run, at least: this share of what the producers' pace invokes in the fault phase. */
    static final int MIN_ACKED_PERCENT = 10;
    /** Appends invoked after healing that must be acknowledged, per producer, before producing stops. */
    static final int ACKS_AFTER_HEAL_PER_PRODUCER = 10;

    private FaultRun() {
    }

    static Result run(Config c) throws IOException {
        Files.createDirectories(c.dir());
        History h = new History();
        h.meta.put("seed", Long.toString(c.seed()));
        h.meta.put("nodes", Integer.toString(c.nodes()));
        h.meta.put("duration.ms", Long.toString(c.duration().toMillis()));
        h.meta.put("fsync", c.fsync());
        if (c.server().shadows() != null) {
            h.meta.put("server.shadows", c.server().shadows().toString());
        }
        h.meta.put("workload", c.workload().toString());
        h.meta.put("opening", String.join(",", c.first().stream().map(n -> n.label).toList()));
        if (c.retention() != null) {
            h.meta.put("retention", c.retention());
        }
        long paced = (long) c.workload().producers() * c.workload().ratePerProducer() * c.duration().toMillis() / 1000;
        h.meta.put("acks.min", Long.toString(Math.max(1, paced * MIN_ACKED_PERCENT / 100)));
        long afterHeal = Math.max(1, (long) c.workload().producers() * ACKS_AFTER_HEAL_PER_PRODUCER);
        h.meta.put("acks.min.after.heal", Long.toString(afterHeal));
        Schedule schedule = Schedule.generate(c.seed(), c.duration().toMillis(), c.first());
        Files.writeString(c.dir().resolve("schedule.txt"), schedule.toString());

        long t0;
        long healed;
        try (Cluster cluster = new Cluster(c.server(), c.dir(), c.nodes(), c.serverJvmFlags(), c.serverArgs())) {
            cluster.startAll();
            cluster.awaitReady(READY, START_TIMEOUT);
            try (StatusObserver observer = new StatusObserver(cluster, h)) {
                cluster.leaderView(observer::leader);
                observer.start();
                Await.until("a first leader (node logs in " + c.dir() + ")", START_TIMEOUT, () -> observer.leader() != 0);
                try (Workload workload = new Workload(cluster, h, c.workload(), c.seed())) {
                    t0 = System.nanoTime();
                    h.meta.put("t.start", Long.toString(t0));
                    workload.start();
                    new NemesisRunner(cluster, h, t0).run(schedule);
                    Await.pauseUntil(t0 + c.duration().toNanos());
                    cluster.healAll();
                    healed = System.nanoTime();
                    h.meta.put("t.healed", Long.toString(healed));
                    h.note(healed, "healed: every link passes, every node runs");
                    // The cluster must take writes again: keep producing until enough appends invoked after
                    // the heal are acknowledged (the workload check fails the run if they never are).
                    long since = healed;
                    boolean recovered = Await.holdsWithin(SETTLE_TIMEOUT, () -> workload.acknowledgedInvokedSince(since) >= afterHeal);
                    h.note(System.nanoTime(), (recovered ? "" : "after " + SETTLE_TIMEOUT.toSeconds() + " s, only ")
                        + workload.acknowledgedInvokedSince(since) + " appends invoked after healing acknowledged; producing stops");
                    workload.stopProducing();
                    settle(c, cluster, observer, workload, h, healed);
                    collectFinalLogs(cluster, h);
                    awaitConsumers(workload, h);
                }
                h.meta.put("t.end", Long.toString(System.nanoTime()));
            }
            cluster.stopAll(Duration.ofSeconds(10));
            readJournals(cluster, h, c.journalOptions());
            readLeaderLines(cluster, h);
            readCompactionLines(cluster, h);
        }
        return finish(h, c.dir());
    }

    private static void settle(Config c, Cluster cluster, StatusObserver observer, Workload workload, History h, long healed) {
        boolean drained = Await.holdsWithin(c.workload().appendTimeout().plusSeconds(5), () -> workload.outstanding() == 0);
        h.note(System.nanoTime(), drained ? "every append completed" : workload.outstanding() + " appends still outstanding");
        long[] commit = new long[1];
        boolean converged = Await.holdsWithin(SETTLE_TIMEOUT, () -> {
            Map<Integer, History.Observation> latest = observer.latest();
            if (latest.size() < c.nodes() || observer.leader() == 0) {
                return false;
            }
            long ci = -2;
            for (History.Observation o : latest.values()) {
                if (!o.reachable() || o.nanos() < healed || (ci != -2 && o.commitIndex() != ci)) {
                    return false;
                }
                ci = o.commitIndex();
            }
            commit[0] = ci;
            return true;
        });
        long now = System.nanoTime();
        String detail = converged
            ? String.format("converged %d ms after healing: leader node %d, every node at commit index %d",
                (now - healed) / 1_000_000, observer.leader(), commit[0])
            : "not converged " + SETTLE_TIMEOUT.toSeconds() + " s after healing; last answers: " + describe(observer.latest());
        h.meta.put("settled", Boolean.toString(converged));
        h.meta.put("settle.detail", detail);
        h.note(now, detail);
    }

    private static String describe(Map<Integer, History.Observation> latest) {
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(latest).forEach((node, o) -> sb.append(sb.length() == 0 ? "" : "; ").append("node ").append(node)
            .append(o.reachable() ? ": " + o.role() + " term " + o.term() + " leader " + o.leaderId() + " commit " + o.commitIndex()
                : ": no answer"));
        return sb.toString();
    }

    /** Gives the consumers time to reach the last committed data entry, so the prefix they are checked on is long. */
    private static void awaitConsumers(Workload workload, History h) {
        long lastData = 0;
        for (History.NodeLog log : h.logs().values()) {
            for (History.Entry e : log.entries()) {
                if (e.type() == EntryType.DATA && e.index() <= log.commitIndex()) {
                    lastData = Math.max(lastData, e.index());
                }
            }
        }
        long target = lastData;
        boolean caughtUp = Await.holdsWithin(CONSUMER_CATCH_UP,
            () -> workload.consumerPositions().stream().allMatch(p -> p > target));
        h.note(System.nanoTime(), (caughtUp ? "consumers caught up" : "consumers did not all catch up")
            + " with index " + target + ": next indexes " + workload.consumerPositions());
    }

    /**
     * Reads each node's committed log through the client pinned to that node (data entries only: the
     * client does not hand out no-op entries), up to the commit index it last reported.
     */
    private static void collectFinalLogs(Cluster cluster, History h) {
        h.meta.put("logs.source", "client");
        for (int node = 1; node <= cluster.nodes(); node++) {
            long commit = lastCommitIndex(h, node);
            List<History.Entry> entries = new ArrayList<>();
            try (LogClient client = LogClient.builder("127.0.0.1:" + cluster.realAddress(node).getPort())
                    .connectTimeout(Duration.ofSeconds(2)).timeout(Duration.ofSeconds(30)).build();
                 TailIterator it = client.read(1)) {
                while (it.hasNext()) {
                    LogEntry e = it.next();
                    if (e.index() > commit) {
                        break;
                    }
                    entries.add(new History.Entry(e.index(), EntryType.DATA, e.payload()));
                }
            } catch (RuntimeException e) {
                h.note(System.nanoTime(), "could not read node " + node + "'s log: " + Workload.oneLine(e));
                continue;
            }
            h.log(new History.NodeLog(node, commit, entries));
        }
    }

    /**
     * Replaces the logs read through the client by the stopped nodes' journals (every entry, no-ops
     * included), each with the node's last reported commit index. Only if every journal is read do the final
     * logs come from the journals ({@code logs.source=journal}); otherwise the client logs stay, the reason
     * goes to {@code logs.problem}, and the final-logs check fails on it.
     */
    private static void readJournals(Cluster cluster, History h, JournalOptions options) {
        List<History.NodeLog> fromJournal = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int node = 1; node <= cluster.nodes(); node++) {
            Path dir = JournalLogs.findJournal(cluster.dataDir(node));
            if (dir == null) {
                problems.add("node " + node + ": no journal found in " + cluster.dataDir(node));
                continue;
            }
            try {
                JournalLogs.Read read = JournalLogs.read(dir, options);
                fromJournal.add(new History.NodeLog(node, lastCommitIndex(h, node), read.firstIndex(), read.entries()));
            } catch (RuntimeException e) {
                problems.add("node " + node + ": cannot read journal " + dir + ": " + Workload.oneLine(e));
            }
        }
        if (!problems.isEmpty()) {
            String problem = String.join("; ", problems);
            h.meta.put("logs.problem", problem);
            h.note(System.nanoTime(), problem + "; final logs stay as read through the client");
            return;
        }
        fromJournal.forEach(h::log);
        h.meta.put("logs.source", "journal");
    }

    /**
     * Records every leadership the stopped servers logged (one-leader-per-term checks them all); if a log
     * cannot be read, {@code leaders.problem} says so and the check fails on it.
     */
    private static void readLeaderLines(Cluster cluster, History h) {
        List<String> problems = new ArrayList<>();
        for (int node = 1; node <= cluster.nodes(); node++) {
            Path log = cluster.process(node).logFile();
            try {
                for (History.LoggedLeader l : LeaderLines.read(log)) {
                    if (l.node() != node) {
                        problems.add(log + " names node " + l.node() + " leader of term " + l.term());
                    }
                    h.ledTerm(l);
                }
            } catch (IOException | UncheckedIOException e) {
                problems.add("cannot read " + log + ": " + Workload.oneLine(e));
            }
        }
        if (problems.isEmpty()) {
            h.meta.put("leaders.source", "node-logs");
        } else {
            h.meta.put("leaders.problem", String.join("; ", problems));
        }
    }

    /**
     * Records where each server's log says its journal starts and what it dropped ({@link CompactionLines}): the
     * checks hold each journal's first index and each consumer's reported skip to them, and the report counts
     * them. If a log cannot be read, {@code compactions.problem} says so.
     */
    private static void readCompactionLines(Cluster cluster, History h) {
        List<String> problems = new ArrayList<>();
        for (int node = 1; node <= cluster.nodes(); node++) {
            Path log = cluster.process(node).logFile();
            try {
                CompactionLines.read(node, log).forEach(h::compacted);
                CompactionLines.readSnapshotsSent(node, log).forEach(h::snapshotSent);
            } catch (IOException | RuntimeException e) {
                problems.add("cannot read " + log + ": " + Workload.oneLine(e));
            }
        }
        if (problems.isEmpty()) {
            h.meta.put("compactions.source", "node-logs");
        } else {
            h.meta.put("compactions.problem", String.join("; ", problems));
        }
    }

    /** The commit index the node last reported to a status poll, or -1 if it never answered. */
    private static long lastCommitIndex(History h, int node) {
        long commit = -1;
        for (History.Observation o : h.observations()) {
            if (o.node() == node && o.reachable()) {
                commit = o.commitIndex();
            }
        }
        return commit;
    }

    private static Result finish(History h, Path dir) {
        Path historyFile = dir.resolve("history.txt");
        h.write(historyFile);
        return judge(h, dir.resolve("report.txt"), historyFile);
    }

    /** Re-checks a saved history (no cluster involved): the same verdicts as the run that wrote it. */
    static Result replay(Path historyFile) {
        History h = History.read(historyFile);
        return judge(h, historyFile.toAbsolutePath().resolveSibling("report-replay.txt"), historyFile);
    }

    private static Result judge(History h, Path reportFile, Path historyFile) {
        List<Checker.Verdict> verdicts = new Checker(h).checkAll();
        long start = h.metaLong("t.start", 0);
        long end = h.metaLong("t.healed", start);
        Availability availability = new Availability(h, (int) h.metaLong("nodes", 3), start, end);
        String report = Report.render(h, verdicts, availability, start, end, historyFile.toAbsolutePath());
        try {
            Files.writeString(reportFile, report, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + reportFile, e);
        }
        TreeSet<String> kinds = new TreeSet<>();
        h.injections().forEach(i -> kinds.add(i.kind()));
        long snapshots = h.compactions().stream().filter(c -> c.kind() == History.Compaction.Kind.SNAPSHOT).count();
        return new Result(Checker.allPassed(verdicts), verdicts, report, reportFile, historyFile, kinds, availability, snapshots,
            h.snapshotsSent().size());
    }
}
