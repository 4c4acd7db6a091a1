package io.raftlog.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlog.net.client.LogClient;
import io.raftlog.net.client.NodeAddress;
import io.raftlog.net.client.NodeStatus;
import io.raftlog.net.client.TailSubscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A consumer following a node that gets cut off from the majority moves to a node that commits, on the
 * server's word: three real server processes, the cut made by dropping every byte between that node and
 * the others ({@link Cluster#partition}). The node is a follower, or the leader (which CheckQuorum steps
 * down), or a follower that still hears the leader but cannot answer it (ERROR BEHIND then, not NO_LEADER). The tail's own request timeout is a minute here, so its client-side
 * fallback (a node that answers pings without a leader for the request timeout) cannot be what moves it; the
 * node must end the fetch itself (ERROR NO_LEADER, three election timeouts after it lost its leader). Before
 * that, the tail waited out the whole fault on the cut-off node while the others committed.
 */
class CutOffTailIT {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration MOVE = Duration.ofSeconds(30);
    private static final int APPENDS_DURING_THE_CUT = 100; // one at a time: more than the leader's 16 appends in flight

    @ParameterizedTest(name = "cut off: the {0}")
    @ValueSource(strings = {"follower", "leader", "follower that cannot send"})
    void aTailOnANodeCutOffFromTheMajorityMovesToANodeThatCommits(String which) throws Exception {
        Path jar = Path.of(System.getProperty("raftlog.jar", "target/raftlog.jar"));
        FaultSuiteIT.requireServer(jar);
        Path dir = Files.createDirectories(Path.of(System.getProperty("fault.dir", "target/fault-runs")).toAbsolutePath()
            .resolve("cut-off-tail-" + System.currentTimeMillis()));
        try (Cluster cluster = new Cluster(ServerLaunch.of(jar), dir, 3, List.of("-Xmx256m"), List.of("--fsync", "none"))) {
            cluster.startAll();
            cluster.awaitReady(FaultRun.READY, START);
            List<NodeAddress> all = NodeAddress.parseList(cluster.clientAddresses());
            try (LogClient producer = LogClient.builder(all).build()) {
                long first = producer.append(bytes("before the cut")).get(START.toSeconds(), TimeUnit.SECONDS);
                int cut = pick(producer, "leader".equals(which));
                boolean oneWay = which.endsWith("cannot send");
                List<NodeAddress> cutFirst = new ArrayList<>();
                cutFirst.add(all.get(cut - 1));
                all.stream().filter(a -> !a.equals(all.get(cut - 1))).forEach(cutFirst::add);

                List<Long> delivered = new CopyOnWriteArrayList<>();
                try (LogClient consumer = LogClient.builder(cutFirst).requestTimeout(Duration.ofSeconds(60))
                        .timeout(Duration.ofSeconds(120)).build()) {
                    TailSubscription tail = consumer.tail(1, true, (index, buffer, offset, length) -> delivered.add(index));
                    Await.until("the tail delivers index " + first + " from node " + cut, MOVE,
                        () -> delivered.contains(first));
                    assertThat(tail.servingNode()).isEqualTo(all.get(cut - 1));

                    if (oneWay) {
                        // It still hears the leader, so it knows one, but its answers are lost: the leader's window
                        // of appends to it fills, and from then on it gets heartbeats and no entries.
                        for (int other : otherThan(cut)) {
                            cluster.blockOneWay(cut, other);
                        }
                    } else {
                        cluster.partition(List.of(Set.of(cut), otherThan(cut)));
                    }
                    long last = 0;
                    for (int i = 0; i < APPENDS_DURING_THE_CUT; i++) {
                        last = producer.append(bytes("during the cut " + i)).get(MOVE.toSeconds(), TimeUnit.SECONDS);
                    }
                    long lastAcked = last;
                    // The cut-off node cannot have committed these: delivering them shows the tail moved.
                    Await.until("the tail delivers index " + lastAcked + ", committed by the majority without node "
                        + cut + " (delivered so far: up to " + tail.nextIndex() + "; node logs in " + dir + ")",
                        MOVE, () -> tail.nextIndex() > lastAcked);
                    assertThat(delivered).isSorted().doesNotHaveDuplicates();
                    assertThat(tail.done()).isNotDone();
                }
            }
            cluster.healNetwork();
        }
    }

    /** The leader, or a node that follows it (asked through the client's status of every node). */
    private static int pick(LogClient client, boolean leader) {
        int[] picked = new int[1];
        Await.until("a leader and a follower that knows it", START, () -> {
            for (NodeStatus s : client.status()) {
                if (s.reachable() && s.leaderId() != 0 && s.isLeader() == leader) {
                    picked[0] = s.nodeId();
                    return true;
                }
            }
            return false;
        });
        return picked[0];
    }

    private static Set<Integer> otherThan(int node) {
        Set<Integer> others = new HashSet<>(Set.of(1, 2, 3));
        others.remove(node);
        return others;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
