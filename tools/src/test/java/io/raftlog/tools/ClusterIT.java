package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlog.net.client.LogClient;
import io.raftlog.net.client.LogEntry;
import io.raftlog.net.client.NodeStatus;
import io.raftlog.net.client.TailIterator;
import io.raftlog.pipeline.Await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real server processes (the built jar, free loopback ports, temp dirs); the leader is killed with
 * SIGKILL while producing (the producer is held at half its entries until the kill, and asserted running) and
 * restarted. Checks, through the command line and through the Java client:
 * every acknowledged entry is in the tailed stream exactly once, at its acknowledged index, in index
 * order, with no gaps; retries through the leader change create no duplicates; afterwards every node's
 * journal verifies and all journals hold the same entries.
 */
class ClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private LocalCluster startCluster() throws Exception {
        return LocalCluster.start(RaftlogProcess.jar(), dir, false, 3, List.of());
    }

    private static ClusterWatch.LeaderChange awaitLeader(LocalCluster c, ClusterWatch w) throws InterruptedException {
        ClusterWatch.LeaderChange l = w.awaitLeader(x -> true, WAIT);
        assertThat(l).as("a leader; node 1 log:%n%s", c.tailOfLog(1, 20)).isNotNull();
        return l;
    }

    /**
     * Kills the current leader with SIGKILL, runs {@code afterKill} (the test lets its producer go on), and waits for
     * another node to lead; returns the victim's id.
     */
    private static int killLeaderAndAwaitAnother(LocalCluster c, ClusterWatch w, Runnable afterKill) throws InterruptedException {
        int victim = w.leader().nodeId();
        c.kill(victim);
        long killedAt = System.nanoTime();
        afterKill.run();
        ClusterWatch.LeaderChange next = w.awaitLeader(l -> l.nodeId() != victim && l.atNanos() > killedAt, WAIT);
        assertThat(next).as("a new leader after killing node %d", victim).isNotNull();
        return victim;
    }

    @Test
    void cliProduceAndTailSeeEveryAcknowledgedEntryOnceAcrossALeaderKill() throws Exception {
        int count = 10_000;
        try (LocalCluster c = startCluster(); ClusterWatch w = new ClusterWatch(c.addresses(), 0)) {
            ClusterWatch.LeaderChange leader = awaitLeader(c, w);
            // The tail asks the leader first, so that killing the leader makes it move to another node.
            StringBuilder leaderFirst = new StringBuilder(leader.address().toString());
            for (var a : c.addresses()) {
                if (!a.equals(leader.address())) {
                    leaderFirst.append(',').append(a);
                }
            }
            try (RaftlogProcess tail = RaftlogProcess.start("tail", "--cluster", leaderFirst.toString(), "--from-beginning",
                     "--follow", "--format", "tsv");
                 RaftlogProcess produce = RaftlogProcess.start("produce", "--cluster", c.clientCluster(), "--print-index",
                     "--timeout", "60s")) {
                // produce reads its entries from stdin, fed here: the first half, then (after the kill) the rest, so
                // it cannot have finished when the leader is killed.
                CountDownLatch killed = new CountDownLatch(1);
                AtomicReference<Throwable> feedFailure = new AtomicReference<>();
                Thread feeder = new Thread(() -> {
                    try {
                        feed(produce, 0, count / 2);
                        killed.await();
                        feed(produce, count / 2, count);
                        produce.closeInput();
                    } catch (Throwable t) {
                        feedFailure.set(t);
                    }
                }, "produce-stdin");
                feeder.setDaemon(true);
                feeder.start();
                int victim;
                try {
                    Await.until("the first 2000 acknowledgements", WAIT, () -> produce.out().size() >= 2000 || !produce.isAlive());
                    assertProducingAtTheKill(produce.isAlive(), produce.out().size(), count);
                    victim = killLeaderAndAwaitAnother(c, w, killed::countDown);
                } finally {
                    killed.countDown();
                }
                c.start(victim);
                feeder.join(WAIT.toMillis());
                assertThat(feedFailure.get()).as("feeding produce's stdin").isNull();
                assertThat(produce.await(120)).as("produce exit; stderr %s", produce.err()).isEqualTo(Cli.OK);
                assertThat(produce.err()).anyMatch(l -> l.startsWith("produced " + count + " of " + count + " entries"));

                Map<Long, String> acked = new HashMap<>();
                long maxIndex = 0;
                for (String line : produce.out()) {
                    String[] f = line.split("\t", 2);
                    long index = Long.parseLong(f[0]);
                    assertThat(acked.put(index, f[1])).as("index %d acknowledged twice", index).isNull();
                    maxIndex = Math.max(maxIndex, index);
                }
                assertThat(acked).hasSize(count);
                assertThat(acked.values()).doesNotHaveDuplicates();

                long last = maxIndex;
                Await.until("the tail to reach index " + last, WAIT,
                    () -> tail.out().stream().anyMatch(l -> l.startsWith(last + "\t")));
                tail.close();
                long previous = 0;
                int seen = 0;
                for (String line : new ArrayList<>(tail.out())) {
                    String[] f = line.split("\t", 2);
                    long index = Long.parseLong(f[0]);
                    assertThat(index).as("tail index order").isGreaterThan(previous);
                    previous = index;
                    assertThat(f[1]).as("payload at index %d", index).isEqualTo(acked.get(index));
                    seen++;
                }
                assertThat(seen).as("every acknowledged entry tailed exactly once, nothing else").isEqualTo(count);
            }
            assertStdinLinesAndTailOptions(c, count);
            assertStatusShowsTheClusterAndAHungNode(c, w);
            assertJournalsAgree(c, w);
        }
    }

    @Test
    void clientRetryingThroughALeaderChangeCreatesNoDuplicates() throws Exception {
        int count = 20_000;
        try (LocalCluster c = startCluster(); ClusterWatch w = new ClusterWatch(c.addresses(), 0);
             LogClient client = LogClient.builder(c.addresses()).seed(2026).timeout(Duration.ofSeconds(60)).build()) {
            awaitLeader(c, w);
            StreamCheck check = new StreamCheck();
            Producer producer = new Producer(client, 1024, (tag, index, line) -> check.acknowledged(tag, index));
            // The second half is submitted only once the leader is killed: the kill cannot come after the end.
            CountDownLatch killed = new CountDownLatch(1);
            Thread producing = new Thread(() -> {
                UnsafeBuffer payload = new UnsafeBuffer(new byte[100]);
                for (int tag = 0; tag < count; tag++) {
                    if (tag == count / 2) {
                        try {
                            killed.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    ProduceCommand.generate(payload, tag);
                    producer.submit(payload, 0, payload.capacity(), tag, null);
                }
            }, "producing");
            producing.setDaemon(true);
            producing.start();
            int victim;
            try {
                Await.until("5000 acknowledgements", WAIT, () -> producer.acknowledged() >= 5000 || producer.failed() > 0);
                assertProducingAtTheKill(producing.isAlive(), producer.acknowledged(), count);
                victim = killLeaderAndAwaitAnother(c, w, killed::countDown);
            } finally {
                killed.countDown();
            }
            producing.join(WAIT.toMillis());
            assertThat(producing.isAlive()).as("the producing thread finished").isFalse();
            assertThat(producer.awaitAll(WAIT)).isTrue();
            assertThat(producer.failed()).as("failed appends, first: %s", producer.firstFailure()).isZero();
            assertThat(producer.acknowledged()).isEqualTo(count);

            try (TailIterator it = client.read(1)) {
                while (it.hasNext()) {
                    LogEntry e = it.next();
                    check.consumed(e.index(), new UnsafeBuffer(e.payload()), 0, e.payload().length);
                }
            }
            StreamCheck.Result r = check.check();
            assertThat(r.ok()).as(r.problems()).isTrue();
            assertThat(r.consumed()).isEqualTo(count);
            assertThat(r.committedNotAcknowledged()).isZero();

            c.start(victim);
            assertJournalsAgree(c, w);
        }
    }

    /** The leader is about to be killed: the producer must still be running, with appends left to acknowledge. */
    private static void assertProducingAtTheKill(boolean alive, long acknowledged, int count) {
        assertThat(alive).as("the producer runs when the leader is killed").isTrue();
        assertThat(acknowledged).as("acknowledgements when the leader is killed").isLessThan(count);
    }

    /** Writes the entries {@code from..to-1} to produce's stdin, a line each, as {@code produce --count} generates them. */
    private static void feed(RaftlogProcess produce, int from, int to) throws IOException {
        UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        StringBuilder lines = new StringBuilder();
        for (int i = from; i < to; i++) {
            ProduceCommand.generate(payload, i);
            lines.append(new String(payload.byteArray(), StandardCharsets.US_ASCII)).append('\n');
            if (lines.length() >= 64 * 1024 || i == to - 1) {
                produce.write(lines.toString());
                lines.setLength(0);
            }
        }
    }

    /**
     * produce from stdin prints INDEX<TAB>LINE; tail without --follow reads everything committed so far,
     * --from/--max pick a range, --format json prints one object per line.
     */
    private static void assertStdinLinesAndTailOptions(LocalCluster c, int alreadyProduced) throws Exception {
        RaftlogProcess produce = RaftlogProcess.start("produce", "--cluster", c.clientCluster(), "--print-index");
        produce.input("first line\nsecond \"quoted\" line\n");
        assertThat(produce.await(60)).as("produce from stdin: %s", produce.err()).isEqualTo(Cli.OK);
        assertThat(produce.out()).hasSize(2);
        String[] first = produce.out().get(0).split("\t", 2);
        String[] second = produce.out().get(1).split("\t", 2);
        assertThat(first[1]).isEqualTo("first line");
        assertThat(second[1]).isEqualTo("second \"quoted\" line");
        long firstIndex = Long.parseLong(first[0]);

        RaftlogProcess all = RaftlogProcess.run(60, "tail", "--cluster", c.clientCluster(), "--format", "text");
        assertThat(all.exitCode()).as("tail: %s", all.err()).isEqualTo(Cli.OK);
        assertThat(all.out()).hasSize(alreadyProduced + 2).endsWith("first line", "second \"quoted\" line");

        RaftlogProcess range = RaftlogProcess.run(60, "tail", "--cluster", c.clientCluster(), "--from",
            Long.toString(firstIndex), "--max", "1", "--format", "json");
        assertThat(range.exitCode()).isEqualTo(Cli.OK);
        assertThat(range.out()).containsExactly("{\"index\":" + firstIndex + ",\"payload\":\"first line\"}");
    }

    /** status: a row per node, followers' matchIndex under the leader, and a hung (SIGSTOPped) node as such. */
    private static void assertStatusShowsTheClusterAndAHungNode(LocalCluster c, ClusterWatch w) throws Exception {
        int hung = w.leader().nodeId() % c.size() + 1;
        RaftlogProcess table = RaftlogProcess.run(60, "status", "--cluster", c.clientCluster());
        assertThat(table.exitCode()).isEqualTo(Cli.OK);
        String text = String.join("\n", table.out());
        for (int id = 1; id <= c.size(); id++) {
            assertThat(text).contains(c.address(id).toString());
        }
        // Whichever node leads by now (it may have moved since the watch saw it), its row lists a follower's match.
        assertThat(text).contains("leader").containsPattern("follower \\d+: match");
        c.pause(hung);
        try {
            // Until a leader shows with every live node answering (leadership may move, and a live node may miss
            // the one-second timeout, while the machine is busy); every answer must show the hung node as
            // unreachable within the timeout.
            boolean shown = false;
            List<String> last = List.of();
            for (int attempt = 0; attempt < 10 && !shown; attempt++) {
                RaftlogProcess json = RaftlogProcess.run(60, "status", "--cluster", c.clientCluster(), "--format", "json",
                    "--timeout", "1s");
                assertThat(json.exitCode()).isEqualTo(Cli.OK);
                last = json.out();
                assertThat(last).hasSize(c.size());
                assertThat(last.get(hung - 1)).startsWith("{\"address\":\"" + c.address(hung) + "\",\"reachable\":false")
                    .contains("within 1000 ms");
                // The leader has not heard from the hung node since the pause (each attempt waits a second for it).
                java.util.regex.Pattern silent = java.util.regex.Pattern.compile("\\{\"id\":" + hung
                    + ",\"matchIndex\":\\d+,\"lag\":\\d+,\"millisSinceHeard\":([1-9]\\d{3,})\\}");
                shown = last.stream().filter(l -> l.contains("\"reachable\":true")).count() == c.size() - 1
                    && last.stream().anyMatch(l -> l.contains("\"role\":\"leader\"") && silent.matcher(l).find());
            }
            assertThat(shown).as("the live nodes answering and a leader row that last heard from the hung node"
                + " a second or more ago: %s", last).isTrue();
        } finally {
            c.resume(hung);
        }
    }

    /**
     * Waits until every node holds the whole committed log, stops the nodes (SIGTERM), then checks with
     * {@code raftlog journal verify} that each journal is sound and with {@code journal dump} that all hold
     * the same entries (index, term, type, whole payload).
     */
    private void assertJournalsAgree(LocalCluster c, ClusterWatch w) throws Exception {
        boolean converged = w.awaitStatus(all -> all.stream().allMatch(NodeStatus::reachable)
            && all.stream().map(NodeStatus::lastIndex).distinct().count() == 1
            && all.stream().allMatch(s -> s.commitIndex() == s.lastIndex()), WAIT);
        assertThat(converged).as("all nodes converge on one log: %s", w.latest()).isTrue();
        c.stopAll();
        List<String> reference = null;
        for (int id = 1; id <= c.size(); id++) {
            String data = c.dataDir(id).toString();
            RaftlogProcess verify = RaftlogProcess.run(120, "journal", "verify", "--data", data);
            assertThat(verify.exitCode()).as("journal verify of node %d: %s %s", id, verify.out(), verify.err()).isEqualTo(Cli.OK);
            // A preview longer than any entry: the dump shows whole payloads, so equal dumps mean equal logs.
            RaftlogProcess dump = RaftlogProcess.run(120, "journal", "dump", "--data", data, "--preview", "4096");
            assertThat(dump.exitCode()).as("journal dump of node %d: %s", id, dump.err()).isEqualTo(Cli.OK);
            List<String> entries = new ArrayList<>(dump.out());
            if (reference == null) {
                reference = entries;
                assertThat(entries).isNotEmpty();
            } else {
                assertThat(entries).as("journal dump of node %d against node 1", id).isEqualTo(reference);
            }
        }
    }
}
