package io.raftlog.net.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.raftlog.journal.FsyncPolicy;
import io.raftlog.net.codec.AppendEntriesEncoder;
import io.raftlog.net.codec.ErrorCode;
import io.raftlog.net.codec.ErrorFrame;
import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.HandshakeFrame;
import io.raftlog.net.codec.LeaderHintFrame;
import io.raftlog.net.codec.Protocol;
import io.raftlog.net.codec.Roles;
import io.raftlog.net.codec.StatusFrame;
import io.raftlog.net.codec.VoteRequestFrame;
import io.raftlog.net.server.RawClient.AppendAnswer;
import io.raftlog.net.server.RawClient.Entry;
import io.raftlog.net.transport.TransportCounters.Counter;
import io.raftlog.pipeline.Await;
import io.raftlog.raft.Role;
import io.raftlog.testing.Seeds;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Three real nodes in this JVM (Chronicle journals in temp directories, loopback TCP on free ports),
 * driven by a raw protocol client: elect, append, fetch from a follower, stop the leader, retry through
 * the new leader without duplicates, restart the old leader and see it catch up. Seeded payloads
 * (-Draftlog.seed=N replays them, not the threads' interleaving).
 */
class RaftServerClusterTest {
    private static final long SEED = Long.getLong("raftlog.seed", System.nanoTime());
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long CLUSTER_ID = 77;

    @TempDir
    Path dir;

    private final Map<Integer, RaftServer> servers = new LinkedHashMap<>();
    private Map<Integer, InetSocketAddress> cluster;
    private Threading threading = Threading.DEFAULT;
    private int electionTicks = 15;
    /** Each node's --advertise, where given. */
    private final Map<Integer, InetSocketAddress> advertised = new HashMap<>();

    @AfterEach
    void stopAll() {
        servers.values().forEach(RaftServer::close);
    }

    private RaftServer startNode(int id) {
        ServerConfig config = ServerConfig.builder().nodeId(id).cluster(cluster).dataDir(dir.resolve("node-" + id))
            .fsync(FsyncPolicy.BATCH).clusterId(CLUSTER_ID).timing(10, electionTicks, 3).seed(SEED + id).threading(threading)
            .advertise(advertised.get(id)).build();
        RaftServer s = RaftServer.start(config);
        servers.put(id, s);
        return s;
    }

    @Test
    void aFollowerSendsClientsToTheAddressItsLeaderAdvertises() throws Exception {
        // Peers reach each other at their cluster entries; clients are told another address per node (as behind
        // NAT or in containers). The leader's LEADER_HINT, sent as its connection to each peer opens, arrives
        // before any AppendEntries on that connection, so a follower that knows its leader knows its address.
        cluster = LoopbackPorts.members(3);
        for (int id = 1; id <= 3; id++) {
            advertised.put(id, ServerConfig.parseHostPort("node-" + id + ".public.invalid:1700" + id));
            startNode(id);
        }
        AppendAnswer refused = aFollowersRefusal();
        int leaderId = refused.leaderId();
        assertThat(refused.address()).isEqualTo("node-" + leaderId + ".public.invalid:1700" + leaderId);
    }

    @Test
    void nodesStartedWithDifferentMembersRefuseEachOther() throws IOException {
        Map<Integer, InetSocketAddress> three = LoopbackPorts.members(3);
        cluster = three;
        RaftServer one = startNode(1);
        // Node 2 is told the cluster is {1, 2}: one vote from node 1 would make it leader of its own two-node view
        // while node 1 counts majorities of three.
        cluster = Map.of(1, three.get(1), 2, three.get(2));
        RaftServer two = startNode(2);
        Await.until("each refuses the other's handshake", WAIT,
            () -> one.transportCounters().get(Counter.WRONG_CLUSTER) > 0 && two.transportCounters().get(Counter.WRONG_CLUSTER) > 0);
        Await.until("node 2 campaigns", WAIT, () -> two.status().role() == Role.PRE_CANDIDATE);
        // Not only at the first campaign: while each refuses several more of the other's connections.
        long refused = two.transportCounters().get(Counter.WRONG_CLUSTER);
        Await.until("three more refusals", WAIT, () -> {
            assertThat(leaders()).as("no vote crosses the two configurations").isEmpty();
            return two.transportCounters().get(Counter.WRONG_CLUSTER) >= refused + 3;
        });
        assertThat(leaders()).as("no vote crosses the two configurations").isEmpty();
    }

    @Test
    void aPeerConnectionThatSpeaksForAnotherMemberIsClosed() throws IOException {
        cluster = LoopbackPorts.members(3);
        RaftServer one = startNode(1);
        try (Socket socket = new Socket(one.boundAddress().getAddress(), one.boundAddress().getPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
            int n = new HandshakeFrame().encode(frame, 0, FrameType.HANDSHAKE, CLUSTER_ID, 2, Roles.NODE,
                HandshakeFrame.membersDigest(new int[] {1, 2, 3}));
            out.write(frame.byteArray(), 0, n);
            assertThat(Protocol.type(new UnsafeBuffer(readFrame(in)), 0)).isEqualTo(FrameType.HANDSHAKE_ACCEPT);
            // Node 2's connection carries a vote request that says it comes from node 3.
            n = new VoteRequestFrame().encode(frame, 0, FrameType.VOTE, 3, 1, 5, 0, 0);
            out.write(frame.byteArray(), 0, n);
            byte[] answer = readFrame(in);
            ErrorFrame error = new ErrorFrame();
            assertThat(error.wrap(new UnsafeBuffer(answer), 0, answer.length)).isNull();
            assertThat(error.code()).isEqualTo(ErrorCode.UNEXPECTED_FRAME);
            assertThat(error.message()).contains("VOTE from node 3 on the connection of node 2");
            assertThat(in.read()).as("closed after the error").isEqualTo(-1);
        }
        assertThat(one.status().term()).as("the vote request was not taken").isZero();
    }

    @Test
    void withoutAdvertiseAFollowerNamesTheLeaderByItsOwnEntryForIt() throws Exception {
        // Each node lists itself by IP and its peers by name: entries may differ between nodes (the fault suite
        // gives each node proxies for its peers). A node that advertises nothing must not replace its peers'
        // entries with its own (found in review: followers then named the leader's own entry).
        Map<Integer, InetSocketAddress> ips = LoopbackPorts.members(3);
        for (int id = 1; id <= 3; id++) {
            Map<Integer, InetSocketAddress> view = new LinkedHashMap<>();
            for (int member = 1; member <= 3; member++) {
                view.put(member, member == id ? ips.get(member) : ServerConfig.parseHostPort("localhost:" + ips.get(member).getPort()));
            }
            cluster = view;
            startNode(id);
        }
        AppendAnswer refused = aFollowersRefusal();
        assertThat(refused.address()).isEqualTo("localhost:" + ips.get(refused.leaderId()).getPort());
    }

    @Test
    void aPeersAdvertisedAddressIsCheckedAndOneThatIsNotAnAddressIsIgnored() throws Exception {
        cluster = LoopbackPorts.members(3);
        RaftServer one = startNode(1);
        UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        // Node 2's connection advertising an address for node 3: closed, as any frame speaking for another member.
        try (Socket socket = peerSocketAs(2, one)) {
            int n = new LeaderHintFrame().encode(frame, 0, 2, 1, 0, 3, "elsewhere.invalid:7003");
            socket.getOutputStream().write(frame.byteArray(), 0, n);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] answer = readFrame(in);
            ErrorFrame error = new ErrorFrame();
            assertThat(error.wrap(new UnsafeBuffer(answer), 0, answer.length)).isNull();
            assertThat(error.code()).isEqualTo(ErrorCode.UNEXPECTED_FRAME);
            assertThat(error.message()).contains("LEADER_HINT for node 3 from node 2 on the connection of node 2");
            assertThat(in.read()).as("closed after the error").isEqualTo(-1);
        }
        // An address that is not HOST:PORT is ignored, the connection kept; a good one is learned and named.
        try (Socket socket = peerSocketAs(2, one); RawClients clients = new RawClients(CLUSTER_ID)) {
            OutputStream out = socket.getOutputStream();
            int n = new LeaderHintFrame().encode(frame, 0, 2, 1, 0, 2, "no port here");
            out.write(frame.byteArray(), 0, n);
            n = new LeaderHintFrame().encode(frame, 0, 2, 1, 0, 2, "public-2.invalid:17002");
            out.write(frame.byteArray(), 0, n);
            new AppendEntriesEncoder().wrap(frame, 0, frame.capacity(), 2, 1, 1, 0, 0, 0); // node 2 leads term 1
            out.write(frame.byteArray(), 0, AppendEntriesEncoder.frameLength(0, 0));
            Await.until("node 1 follows node 2", WAIT, () -> one.status().leaderId() == 2);
            AppendAnswer refused = clients.of(one).append(42, 1, "x".getBytes(StandardCharsets.UTF_8));
            assertThat(refused.errorCode()).isEqualTo(ErrorCode.NOT_LEADER);
            assertThat(refused.address()).isEqualTo("public-2.invalid:17002");
        }
    }

    @Test
    void aPeerThatConnectsAgainReplacesItsOldConnectionWhichIsClosed() throws IOException {
        // A peer's host crashed without closing its connections (no FIN): when it connects again, the node
        // must not keep the dead one, with its ring, for good.
        cluster = LoopbackPorts.members(3);
        RaftServer one = startNode(1);
        try (Socket first = peerSocketAs(2, one); Socket second = peerSocketAs(2, one)) {
            DataInputStream in = new DataInputStream(first.getInputStream());
            assertThat(in.read()).as("the first connection is closed once the second is accepted").isEqualTo(-1);
            second.getOutputStream().write(0); // the second is still open (a partial frame, never completed)
        }
    }

    /** A socket to {@code node} that has made its handshake as member {@code id} of this cluster. */
    private static Socket peerSocketAs(int id, RaftServer node) throws IOException {
        Socket socket = new Socket(node.boundAddress().getAddress(), node.boundAddress().getPort());
        socket.setSoTimeout((int) WAIT.toMillis());
        UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        int n = new HandshakeFrame().encode(frame, 0, FrameType.HANDSHAKE, CLUSTER_ID, id, Roles.NODE,
            HandshakeFrame.membersDigest(new int[] {1, 2, 3}));
        socket.getOutputStream().write(frame.byteArray(), 0, n);
        assertThat(Protocol.type(new UnsafeBuffer(readFrame(new DataInputStream(socket.getInputStream()))), 0))
            .isEqualTo(FrameType.HANDSHAKE_ACCEPT);
        return socket;
    }

    private static byte[] readFrame(DataInputStream in) throws IOException {
        int length = Integer.reverseBytes(in.readInt());
        byte[] frame = new byte[length];
        ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putInt(length);
        in.readFully(frame, 4, length - 4);
        return frame;
    }

    /** Once a leader is elected and a follower knows it: the follower's NOT_LEADER to a client's append. */
    private AppendAnswer aFollowersRefusal() throws IOException {
        RaftServer leader = awaitLeader();
        int leaderId = leader.config().nodeId();
        RaftServer follower = servers.values().stream().filter(s -> s != leader).findFirst().orElseThrow();
        Await.until("the follower knows the leader", WAIT, () -> follower.status().leaderId() == leaderId);
        try (RawClients clients = new RawClients(CLUSTER_ID)) {
            AppendAnswer refused = clients.of(follower).append(42, 1, "x".getBytes(StandardCharsets.UTF_8));
            assertThat(refused.errorCode()).isEqualTo(ErrorCode.NOT_LEADER);
            assertThat(refused.leaderId()).isEqualTo(leaderId);
            return refused;
        }
    }

    private RaftServer awaitLeader() {
        List<List<RaftServer>> seen = new ArrayList<>(List.of(List.of())); // what the wait saw, not a second look
        Await.until("one leader", WAIT, () -> {
            seen.set(0, leaders());
            return seen.get(0).size() == 1;
        });
        return seen.get(0).get(0);
    }

    private List<RaftServer> leaders() {
        List<RaftServer> out = new ArrayList<>();
        servers.values().forEach(s -> {
            if (s.status().role() == Role.LEADER) {
                out.add(s);
            }
        });
        return out;
    }

    @ParameterizedTest
    @EnumSource(Threading.class)
    void appendsCommitSurviveALeaderStopAndARestartedNodeCatchesUp(Threading mode) throws Exception {
        Seeds.print("RaftServerClusterTest threading " + mode, SEED, "raftlog.seed");
        threading = mode;
        SplittableRandom random = new SplittableRandom(SEED);
        cluster = LoopbackPorts.members(3);
        for (int id : cluster.keySet()) {
            startNode(id);
        }
        long clientId = random.nextLong();
        Map<Long, byte[]> acked = new HashMap<>(); // index -> user payload
        List<long[]> batches = new ArrayList<>(); // {firstSequence, firstIndex, count}
        long nextSeq = 1;

        for (int b = 0; b < 40; b++) {
            int n = 1 + random.nextInt(4);
            byte[][] payloads = payloads(nextSeq, n);
            AppendAnswer a = appendUntilAcked(clientId, nextSeq, payloads);
            assertThat(a.count()).isEqualTo(n);
            record(acked, batches, nextSeq, a, payloads);
            nextSeq += n;
        }
        // A retry of the first batch is answered with its original indexes and appends nothing.
        long[] first = batches.get(0);
        RaftServer leader = awaitLeader();
        long lastBefore = leader.status().lastIndex();
        AppendAnswer again = appendUntilAcked(clientId, first[0], payloads(first[0], (int) first[2]));
        assertThat(again.firstIndex()).isEqualTo(first[1]);
        if (leaders().size() == 1 && leaders().get(0) == leader) {
            assertThat(leader.status().lastIndex()).isEqualTo(lastBefore);
        }
        StatusFrame st = clients.of(leader).status();
        if (st.role() == Role.LEADER) {
            assertThat(st.peerCount()).isEqualTo(2);
        }

        // A follower refuses appends, naming the leader and its address, and serves committed entries.
        long maxAcked = acked.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
        RaftServer follower = servers.values().stream().filter(s -> s.status().role() != Role.LEADER).findFirst().orElseThrow();
        Await.until("the follower learns the commit index and the leader", WAIT,
            () -> follower.status().commitIndex() >= maxAcked && follower.status().leaderId() != 0);
        AppendAnswer refused = clients.of(follower).append(clientId, nextSeq, "x".getBytes(StandardCharsets.UTF_8));
        assertThat(refused.errorCode()).isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(refused.notAppended()).as("a follower's refusal says it appended nothing").isTrue();
        int named = refused.leaderId();
        assertThat(named).isNotZero().isNotEqualTo(follower.config().nodeId());
        assertThat(refused.address()).isEqualTo(ServerConfig.hostPort(cluster.get(named)));
        assertAllPresentOnce(clients.of(follower).fetchAll(1), acked);

        // Stop the leader; a new one is elected; a retry of an acknowledged batch gets the original indexes.
        int oldLeaderId = awaitLeader().config().nodeId();
        System.out.println("stopping leader node " + oldLeaderId + " at last index " + servers.get(oldLeaderId).status().lastIndex());
        clients.close(oldLeaderId);
        servers.remove(oldLeaderId).close();
        assertThat(awaitLeader().config().nodeId()).isNotEqualTo(oldLeaderId);
        long[] last = batches.get(batches.size() - 1);
        assertThat(appendUntilAcked(clientId, last[0], payloads(last[0], (int) last[2])).firstIndex()).isEqualTo(last[1]);
        for (int b = 0; b < 20; b++) {
            byte[][] payloads = payloads(nextSeq, 2);
            record(acked, batches, nextSeq, appendUntilAcked(clientId, nextSeq, payloads), payloads);
            nextSeq += 2;
        }
        long newMax = acked.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
        for (RaftServer s : servers.values()) {
            Await.until("node " + s.config().nodeId() + " commits " + newMax, WAIT, () -> s.status().commitIndex() >= newMax);
            assertAllPresentOnce(clients.of(s).fetchAll(1), acked);
        }

        // The old leader restarts from its journal and hard state, rejoins and catches up.
        RaftServer restarted = startNode(oldLeaderId);
        Await.until("the restarted node catches up", WAIT, () -> restarted.status().commitIndex() >= newMax);
        assertAllPresentOnce(clients.of(restarted).fetchAll(1), acked);

        // A following fetch on a follower is pushed new entries as they commit.
        try (RawClient follower2 = new RawClient(restarted.boundAddress(), CLUSTER_ID)) {
            follower2.follow(newMax + 1);
            Map<Long, byte[]> later = new HashMap<>();
            for (int b = 0; b < 5; b++) {
                byte[][] payloads = payloads(nextSeq, 1);
                record(later, batches, nextSeq, appendUntilAcked(clientId, nextSeq, payloads), payloads);
                nextSeq++;
            }
            long lastLater = later.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
            List<Entry> pushed = follower2.readFollowed(lastLater);
            assertAllPresentOnce(pushed, later);
            assertThat(pushed.get(0).index()).isGreaterThan(newMax);
        }
    }

    @ParameterizedTest
    @EnumSource(Threading.class)
    void aStoppingLeaderAnswersTheAppendsWaitingToCommitNotLeader(Threading mode) throws Exception {
        threading = mode;
        electionTicks = 100; // 1-2 s: the leader must not step down (check-quorum) before it is stopped below
        cluster = LoopbackPorts.members(3);
        for (int id : cluster.keySet()) {
            startNode(id);
        }
        RaftServer leader = awaitLeader();
        int leaderId = leader.config().nodeId();
        long clientId = 42;
        assertThat(clients.of(leader).append(clientId, 1, payloads(1, 1)).acked()).isTrue();
        for (int id : List.copyOf(servers.keySet())) {
            if (id != leaderId) {
                servers.remove(id).close();
            }
        }
        long last = leader.status().lastIndex();
        RawClient producer = clients.of(leader);
        CompletableFuture<AppendAnswer> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return producer.append(clientId, 2, payloads(2, 1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Await.until("the leader appends the entry it cannot commit", WAIT, () -> leader.status().lastIndex() > last);
        assertThat(leader.status().role()).isEqualTo(Role.LEADER);
        servers.remove(leaderId).close();
        AppendAnswer a = answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(a.errorCode()).as("%s", a).isEqualTo(ErrorCode.NOT_LEADER);
        // The entry is in the stopped leader's log, uncommitted: the answer must not claim it appended nothing.
        assertThat(a.notAppended()).as("%s", a).isFalse();
    }

    private final RawClients clients = new RawClients(CLUSTER_ID);

    @AfterEach
    void closeClients() throws IOException {
        clients.close();
    }



    /** As a producer would: send to whoever leads, again with the same sequence on NOT_LEADER or BUSY. */
    private AppendAnswer appendUntilAcked(long clientId, long seq, byte[][] payloads) throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        AppendAnswer a;
        do {
            a = clients.of(awaitLeader()).append(clientId, seq, payloads);
            if (a.acked()) {
                return a;
            }
            assertThat(a.errorCode()).as("%s", a).isIn(ErrorCode.NOT_LEADER, ErrorCode.BUSY);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("never acknowledged: " + a);
    }

    private static void record(Map<Long, byte[]> acked, List<long[]> batches, long seq, AppendAnswer a, byte[][] payloads) {
        batches.add(new long[] {seq, a.firstIndex(), a.count()});
        for (int i = 0; i < payloads.length; i++) {
            assertThat(acked.put(a.firstIndex() + i, payloads[i])).as("index %d acknowledged twice", a.firstIndex() + i).isNull();
        }
    }

    /** Payloads derived from the sequence only, so a retry can rebuild them exactly. */
    private static byte[][] payloads(long firstSeq, int n) {
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            out[i] = ("entry-" + (firstSeq + i)).getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    private static void assertAllPresentOnce(List<Entry> fetched, Map<Long, byte[]> acked) {
        Map<String, Long> seen = new HashMap<>();
        long previous = 0;
        for (Entry e : fetched) {
            assertThat(e.index()).as("indexes increase").isGreaterThan(previous);
            previous = e.index();
            String text = new String(e.payload(), StandardCharsets.UTF_8);
            assertThat(seen.put(text, e.index())).as("payload %s stored twice", text).isNull();
        }
        Map<Long, byte[]> byIndex = new HashMap<>();
        fetched.forEach(e -> byIndex.put(e.index(), e.payload()));
        acked.forEach((index, payload) -> assertThat(byIndex.get(index)).as("entry %d", index).isEqualTo(payload));
    }
}
