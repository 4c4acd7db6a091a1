package io.raftlog.net.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.net.InetSocketAddress;

import io.raftlog.journal.FsyncPolicy;
import io.raftlog.journal.JournalOptions;
import io.raftlog.net.codec.ErrorCode;
import io.raftlog.net.server.RawClient.AppendAnswer;
import io.raftlog.net.server.RawClient.Entry;
import io.raftlog.pipeline.Await;
import io.raftlog.raft.Role;
import io.raftlog.testing.Seeds;

import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention on three real nodes (Chronicle journals, loopback TCP): journal files of one second on a clock the
 * test moves, and a retention of two seconds or of one byte (only the file being written stays). A follower is stopped, the others drop every file it would need,
 * and the restarted follower is caught up by SNAPSHOT: it continues after the leader's first index and serves
 * the same entries from there; reads below it are answered COMPACTED, on the leader as on the follower.
 */
class RetentionClusterTest {
    private static final long SEED = Long.getLong("raftlog.seed", System.nanoTime());
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long CLUSTER_ID = 78;

    @TempDir
    Path dir;

    private final SetTimeProvider clock = new SetTimeProvider("2026-01-01T00:00:00");
    private final Map<Integer, RaftServer> servers = new LinkedHashMap<>();
    private final RawClients clients = new RawClients(CLUSTER_ID);
    private Map<Integer, InetSocketAddress> cluster;
    private final long clientId = 4242;
    private long nextSeq = 1;

    @AfterEach
    void stopAll() throws IOException {
        clients.close();
        servers.values().forEach(RaftServer::close);
    }

    /** What bounds the log: its age (two seconds) or its size (one byte: only the file being written stays). */
    enum Bound { AGE, SIZE }

    private Bound bound;

    private RaftServer startNode(int id) {
        JournalOptions seconds = JournalOptions.defaults().rollCycle(TestRollCycles.TEST_SECONDLY).timeProvider(clock);
        ServerConfig.Builder b = ServerConfig.builder().nodeId(id).cluster(cluster).dataDir(dir.resolve("node-" + id))
            .fsync(FsyncPolicy.BATCH).clusterId(CLUSTER_ID).timing(10, 15, 3).seed(SEED + id).journalOptions(seconds);
        ServerConfig config = (bound == Bound.AGE ? b.retention(Duration.ofSeconds(2)) : b.retentionBytes(1)).build();
        RaftServer s = RaftServer.start(config);
        servers.put(id, s);
        return s;
    }

    @ParameterizedTest
    @EnumSource(Bound.class)
    void aFollowerBackAfterTheOthersDroppedWhatItMissedIsCaughtUpBySnapshot(Bound retention) throws Exception {
        Seeds.print("RetentionClusterTest retention by " + retention, SEED, "raftlog.seed");
        bound = retention;
        cluster = LoopbackPorts.members(3);
        for (int id : cluster.keySet()) {
            startNode(id);
        }
        appendAcked(20);
        RaftServer leader = awaitLeader();
        int stoppedId = servers.entrySet().stream().filter(e -> e.getValue() != leader).findFirst().orElseThrow().getKey();
        Await.until("the follower holds what was acknowledged", WAIT,
            () -> servers.get(stoppedId).status().durableIndex() >= leader.status().commitIndex());
        long stoppedAt = servers.get(stoppedId).status().lastIndex();
        System.out.println("stopping follower node " + stoppedId + " at last index " + stoppedAt);
        clients.close(stoppedId);
        servers.remove(stoppedId).close();

        // Six seconds of the journals' clock, entries in each: every file the stopped node would need goes.
        for (int second = 0; second < 6; second++) {
            clock.advanceMillis(1000);
            appendAcked(10);
        }
        Await.until("retention drops the files the stopped node needs, on both running nodes", WAIT,
            () -> servers.values().stream().allMatch(s -> s.status().firstIndex() > stoppedAt + 1));
        long leaderFirst = awaitLeader().status().firstIndex();
        assertThatThrownBy(() -> clients.of(awaitLeader()).fetchAll(stoppedAt + 1))
            .isInstanceOf(IOException.class).hasMessageContaining("COMPACTED");

        RaftServer back = startNode(stoppedId);
        Await.until("the restarted node catches up", WAIT,
            () -> back.status().commitIndex() == awaitLeader().status().commitIndex()
                && back.status().lastIndex() == awaitLeader().status().lastIndex());
        assertThat(back.status().firstIndex()).as("it continued after the leader's first index, by snapshot")
            .isGreaterThanOrEqualTo(leaderFirst).isGreaterThan(stoppedAt + 1);
        assertThat(back.status().role()).isEqualTo(Role.FOLLOWER);

        // It streams again, and serves what the leader serves from its first index on.
        long last = appendAcked(5);
        Await.until("the restarted node commits the newest entries", WAIT, () -> back.status().commitIndex() >= last);
        long from = back.status().firstIndex();
        List<Entry> onBack = clients.of(back).fetchAll(from);
        List<Entry> onLeader = clients.of(awaitLeader()).fetchAll(from);
        assertThat(onBack).isNotEmpty();
        assertThat(onBack.get(0).index()).isEqualTo(from);
        assertThat(indexes(onBack)).isEqualTo(indexes(onLeader.subList(0, onBack.size())));
        for (int i = 0; i < onBack.size(); i++) {
            assertThat(onBack.get(i).payload()).isEqualTo(onLeader.get(i).payload());
        }
        assertThatThrownBy(() -> clients.of(back).fetchAll(from - 1))
            .isInstanceOf(IOException.class).hasMessageContaining("COMPACTED");
    }

    /** Appends {@code n} entries, one per request, through whoever leads; returns the last index acknowledged. */
    private long appendAcked(int n) throws IOException {
        long last = 0;
        for (int i = 0; i < n; i++) {
            byte[] payload = ("entry-" + nextSeq).getBytes(StandardCharsets.UTF_8);
            long deadline = System.nanoTime() + WAIT.toNanos();
            AppendAnswer a;
            do {
                RaftServer leader = awaitLeader();
                a = clients.of(leader).append(clientId, nextSeq, payload);
                assertThat(a.acked() || a.errorCode() == ErrorCode.NOT_LEADER || a.errorCode() == ErrorCode.BUSY)
                    .as("%s", a).isTrue();
            } while (!a.acked() && System.nanoTime() < deadline);
            assertThat(a.acked()).as("acknowledged: %s", a).isTrue();
            last = a.firstIndex();
            nextSeq++;
        }
        return last;
    }

    private RaftServer awaitLeader() {
        Await.until("one leader", WAIT, () -> servers.values().stream().filter(s -> s.status().role() == Role.LEADER).count() == 1);
        return servers.values().stream().filter(s -> s.status().role() == Role.LEADER).findFirst().orElseThrow();
    }



    private static List<Long> indexes(List<Entry> entries) {
        List<Long> out = new ArrayList<>();
        entries.forEach(e -> out.add(e.index()));
        return out;
    }
}
