package io.raftlog.net.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.raftlog.net.codec.AppendEntriesDecoder;
import io.raftlog.net.codec.AppendEntriesEncoder;
import io.raftlog.net.codec.EndOfLogFrame;
import io.raftlog.net.codec.ErrorCode;
import io.raftlog.net.codec.ErrorFrame;
import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.HandshakeFrame;
import io.raftlog.net.codec.Protocol;
import io.raftlog.net.codec.RequestIdFrame;
import io.raftlog.net.codec.Roles;
import io.raftlog.net.transport.TransportCounters.Counter;
import io.raftlog.pipeline.Await;
import io.raftlog.raft.EntryType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TransportTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long CLUSTER = 77;
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    private Transport a;
    private Transport b;

    @AfterEach
    void closeAll() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void clientAndNodeHandshakeAndExchangeFramesBothWays() {
        RecordingHandler nodeSide = new RecordingHandler();
        a = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(1), nodeSide).start();
        InetSocketAddress address = a.bind(ANY);
        RecordingHandler clientSide = new RecordingHandler();
        b = new Transport(new TransportConfig().clusterId(CLUSTER).role(Roles.CLIENT), clientSide).start();

        Connection toNode = b.connect(address, false);
        assertThat(toNode.offer(new UnsafeBuffer(new byte[16]), 0, 16)).as("no sending before the handshake").isFalse();
        Await.until("client handshake", WAIT, toNode::isActive);
        assertThat(toNode.remoteNodeId()).isEqualTo(1);
        Await.until("node sees the client", WAIT, () -> nodeSide.connected.size() == 1);
        Connection fromClient = nodeSide.connected.get(0);
        assertThat(fromClient.remoteRole()).isEqualTo(Roles.CLIENT);

        RequestIdFrame request = new RequestIdFrame();
        UnsafeBuffer scratch = new UnsafeBuffer(new byte[64]);
        for (int i = 0; i < 1000; i++) {
            int length = request.encode(scratch, 0, FrameType.STATUS_REQUEST, i);
            assertThat(toNode.offer(scratch, 0, length)).isTrue();
        }
        Await.until("1000 requests arrive", WAIT, () -> nodeSide.frameCount.get() == 1000);
        long expected = 0;
        for (RecordingHandler.Frame f : nodeSide.frames) {
            RequestIdFrame r = new RequestIdFrame();
            assertThat(r.wrap(new UnsafeBuffer(f.bytes()), 0, f.bytes().length)).isNull();
            assertThat(r.requestId()).as("frames arrive in order").isEqualTo(expected++);
        }
        // the node answers in place through a claim
        int index = fromClient.tryClaim(64);
        assertThat(index).isNotNegative();
        int length = new EndOfLogFrame().encode(fromClient.claimBuffer(), index, 5, 6, 7);
        assertThat(length).isLessThan(64);
        fromClient.commit(index);
        Await.until("answer arrives", WAIT, () -> clientSide.frameCount.get() == 1);
        assertThat(clientSide.frames.peek().type()).isEqualTo(FrameType.END_OF_LOG);
        assertThat(clientSide.frames.peek().bytes()).hasSize(length);
        assertThat(a.counters().get(Counter.PROTOCOL_ERRORS)).isZero();
        assertThat(b.counters().get(Counter.WRITE_CALLS)).as("frames were coalesced").isLessThan(1000);
    }

    /**
     * A frame offered just before the close, while the transport thread is inside a duty cycle that has already
     * serviced the connections, still reaches the other side: the close sends what the rings hold before it
     * closes the sockets. (Without that, the transport's thread left its loop after that cycle and closed the
     * socket with the frame unsent: a stopping node's NOT_LEADER answers were lost that way.)
     */
    @Test
    void aFrameOfferedJustBeforeTheCloseIsSentBeforeTheSocketCloses() throws Exception {
        CountDownLatch inCycle = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean holdNextCycle = new AtomicBoolean();
        RecordingHandler nodeSide = new RecordingHandler() {
            @Override
            public int onDutyCycle(long nowNs) {
                if (holdNextCycle.compareAndSet(true, false)) {
                    inCycle.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.onDutyCycle(nowNs);
            }
        };
        a = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(1), nodeSide).start();
        InetSocketAddress address = a.bind(ANY);
        RecordingHandler clientSide = new RecordingHandler();
        b = new Transport(new TransportConfig().clusterId(CLUSTER).role(Roles.CLIENT), clientSide).start();
        Connection toNode = b.connect(address, false);
        Await.until("client handshake", WAIT, toNode::isActive);
        Await.until("node sees the client", WAIT, () -> nodeSide.connected.size() == 1);
        Connection fromClient = nodeSide.connected.get(0);

        holdNextCycle.set(true);
        assertThat(inCycle.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("a cycle is held").isTrue();
        UnsafeBuffer scratch = new UnsafeBuffer(new byte[64]);
        int length = new EndOfLogFrame().encode(scratch, 0, 5, 6, 7);
        assertThat(fromClient.offer(scratch, 0, length)).isTrue(); // after this cycle serviced the connection
        Transport closing = a;
        a = null;
        Thread closer = new Thread(closing::close, "test-closer");
        closer.start();
        // The close has told the transport's thread to stop (it waits for it in a join) before the cycle ends.
        Await.until("the close waits for the transport's thread", WAIT,
            () -> closer.getState() == Thread.State.TIMED_WAITING || closer.getState() == Thread.State.WAITING);
        release.countDown();
        closer.join(WAIT.toMillis());
        assertThat(closer.isAlive()).isFalse();
        Await.until("the frame arrives", WAIT, () -> clientSide.frameCount.get() == 1);
        assertThat(clientSide.frames.peek().type()).isEqualTo(FrameType.END_OF_LOG);
        Await.until("and then the connection closes", WAIT, () -> !clientSide.closed.isEmpty());
    }

    @Test
    void peersExchangeAppendEntriesEncodedInPlaceFromAnotherThread() throws Exception {
        RecordingHandler nodeOne = new RecordingHandler();
        a = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(1), nodeOne).start();
        InetSocketAddress address = a.bind(ANY);
        b = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(2), new RecordingHandler()).start();
        Connection link = b.connect(address, true);
        Await.until("peer link", WAIT, link::isActive);

        UnsafeBuffer payload = new UnsafeBuffer(new byte[128]);
        AppendEntriesEncoder encoder = new AppendEntriesEncoder();
        Thread raftThread = new Thread(() -> {
            for (int batch = 0; batch < 100; batch++) {
                int claim = AppendEntriesEncoder.frameLength(8, 8 * 128);
                int index;
                while ((index = link.tryClaim(claim)) < 0) {
                    Thread.onSpinWait();
                }
                encoder.wrap(link.claimBuffer(), index, claim, 2, 1, 3, batch * 8L, 3, 0);
                for (int i = 0; i < 8; i++) {
                    encoder.accept(batch * 8L + 1 + i, 3, EntryType.DATA, payload, 0, 100 + i);
                }
                link.commit(index);
            }
        });
        raftThread.start();
        raftThread.join();
        Await.until("100 AppendEntries", WAIT, () -> nodeOne.frameCount.get() == 100);
        AppendEntriesDecoder decoder = AppendEntriesDecoder.forMaxFrameLength(1 << 16);
        long prev = 0;
        for (RecordingHandler.Frame f : nodeOne.frames) {
            assertThat(f.type()).isEqualTo(FrameType.APPEND_ENTRIES);
            assertThat(decoder.wrap(new UnsafeBuffer(f.bytes()), 0, f.bytes().length)).isNull();
            assertThat(decoder.prevLogIndex()).isEqualTo(prev);
            assertThat(decoder.count()).isEqualTo(8);
            assertThat(decoder.length(7)).isEqualTo(107);
            prev += 8;
        }
        assertThat(nodeOne.connected.get(0).remoteNodeId()).isEqualTo(2);
    }

    @Test
    void outboundPeerConnectionReconnectsWhenTheNodeComesBack() {
        RecordingHandler first = new RecordingHandler();
        a = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(1), first).start();
        InetSocketAddress address = a.bind(ANY);
        RecordingHandler linkSide = new RecordingHandler();
        b = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(2).reconnectBackoff(5_000_000L, 50_000_000L), linkSide).start();
        Connection link = b.connect(address, true);
        Await.until("first connect", WAIT, link::isActive);

        a.close();
        Await.until("link notices the node is gone", WAIT, () -> !link.isActive() && linkSide.closed.size() == 1);
        assertThat(link.offer(new UnsafeBuffer(new byte[16]), 0, 16)).as("sending to a dead peer fails at once").isFalse();
        long failuresBefore = b.counters().get(Counter.CONNECTIONS_OPENED);
        Await.until("a few reconnect attempts", WAIT, () -> b.counters().get(Counter.CONNECTIONS_OPENED) >= failuresBefore + 2);

        RecordingHandler second = new RecordingHandler();
        a = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(1), second).start();
        a.bind(address);
        Await.until("reconnected", WAIT, link::isActive);
        assertThat(linkSide.connected).hasSize(2).allMatch(c -> c == link);
        RequestIdFrame anything = new RequestIdFrame();
        UnsafeBuffer scratch = new UnsafeBuffer(new byte[64]);
        // A node does not take client frames from a peer: the link is closed with an error and reconnects.
        int length = anything.encode(scratch, 0, FrameType.STATUS_REQUEST, 1);
        assertThat(link.offer(scratch, 0, length)).isTrue();
        Await.until("the node refuses it", WAIT, () -> a.counters().get(Counter.UNEXPECTED_FRAME) == 1);
        Await.until("and the link comes back", WAIT, () -> linkSide.connected.size() == 3 && link.isActive());
    }

    /**
     * A peer given by host name is looked up at every attempt: the name was resolved once, when the node parsed its
     * configuration, so a peer whose name entered DNS after this node started was never reached.
     */
    @Test
    void aPeerGivenByAHostNameIsLookedUpAgainAtEveryAttemptUntilItResolves() {
        a = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(1), new RecordingHandler()).start();
        InetSocketAddress address = a.bind(ANY);
        AtomicInteger lookups = new AtomicInteger();
        Set<String> lookupThreads = ConcurrentHashMap.newKeySet();
        TransportConfig config = new TransportConfig().clusterId(CLUSTER).nodeId(2).reconnectBackoff(5_000_000L, 20_000_000L)
            .threadName("node-2");
        config.lookup = name -> {
            lookupThreads.add(Thread.currentThread().getName());
            // not in DNS for the first two attempts
            return lookups.incrementAndGet() <= 2 ? name : new InetSocketAddress(address.getAddress(), name.getPort());
        };
        RecordingHandler linkSide = new RecordingHandler();
        b = new Transport(config, linkSide).start();
        Connection link = b.connect(InetSocketAddress.createUnresolved("peer-1.example", address.getPort()), true);
        Await.until("connected once the name resolves", WAIT, link::isActive);
        assertThat(lookups.get()).isEqualTo(3);
        assertThat(b.counters().get(Counter.CONNECT_FAILURES)).isEqualTo(2);
        assertThat(link.remoteAddress().getHostString()).isEqualTo("peer-1.example");
        assertThat(lookupThreads).as("looked up off the transport thread").containsExactly("node-2-lookup");
    }

    @Test
    void aReaderThatStopsReadingFillsOnlyItsOwnRingAndOthersKeepWorking() throws IOException {
        RecordingHandler nodeSide = new RecordingHandler();
        try (StuckReader stuck = nodeWithAStuckReader(nodeSide, new TransportConfig())) {
            Connection toStuck = stuck.fromNode();
            int accepted = offerUntilTheRingIsFull(toStuck);
            assertThat(accepted).as("bounded: ring + socket buffers").isLessThan(200_000);
            assertThat(toStuck.pendingBytes()).isLessThanOrEqualTo(64 * 1024);
            assertThat(a.counters().get(Counter.SEND_REJECTED)).isPositive();

            RecordingHandler clientSide = new RecordingHandler();
            b = new Transport(new TransportConfig().clusterId(CLUSTER).role(Roles.CLIENT), clientSide).start();
            Connection other = b.connect(stuck.address(), false);
            Await.until("second client connects while the first is stuck", WAIT, other::isActive);
            UnsafeBuffer scratch = new UnsafeBuffer(new byte[64]);
            int length = new RequestIdFrame().encode(scratch, 0, FrameType.STATUS_REQUEST, 9);
            assertThat(other.offer(scratch, 0, length)).isTrue();
            Await.until("its frame arrives", WAIT, () -> nodeSide.frameCount.get() == 1);
        }
    }

    @Test
    void aTransportWhoseReaderStoppedReadingSleepsUntilTheSocketTakesWritesInsteadOfSpinning() throws Exception {
        RecordingHandler nodeSide = new RecordingHandler();
        // No spinning or yielding before the selector, and a selector timeout of a minute: a transport that sleeps
        // then runs no duty cycle at all until something wakes it.
        try (StuckReader stuck = nodeWithAStuckReader(nodeSide, new TransportConfig().idle(0, 0, 60_000_000_000L))) {
            Connection toStuck = stuck.fromNode();
            // Refill the ring until the socket and the write buffer are full and frames stay queued behind them:
            // until a look finds no room freed since the last one.
            long[] offered = {0};
            Await.until("frames wait in the ring behind a full socket", WAIT, () -> {
                int added = offerUntilTheRingIsFull(toStuck);
                offered[0] += added;
                return added == 0 && toStuck.pendingBytes() > 32 * 1024;
            });
            // An observation window, not a synchronisation: what is asserted is that nothing happens, which no
            // condition can be awaited for. A transport asleep in its selector runs no duty cycle in it however
            // loaded the machine is (a stray readiness event or two at most); one that takes the queued frames
            // for work to do now runs them back to back, tens of thousands in the window.
            long before = nodeSide.dutyCycles.get();
            Thread.sleep(300);
            assertThat(nodeSide.dutyCycles.get() - before).as("duty cycles in 300 ms with the only socket full").isLessThan(50);

            // The reader resumes: every frame must still arrive, woken by the socket taking writes again.
            stuck.socket().setSoTimeout((int) WAIT.toMillis());
            byte[] all = stuck.socket().getInputStream().readNBytes((int) (offered[0] * 32));
            assertThat(all).hasSize((int) (offered[0] * 32));
            assertThat(toStuck.pendingBytes()).isZero();
        }
    }

    @Test
    void aConnectionOpenedForOneNodeRefusesAnotherThatAnswersAtItsAddress() {
        // Two peers' addresses swapped in --cluster: the handshake went through, and every message meant for one
        // reached the other, which dropped it as addressed to someone else without naming the cause.
        b = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(3), new RecordingHandler()).start();
        InetSocketAddress address = b.bind(ANY);
        RecordingHandler dialer = new RecordingHandler();
        a = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(1), dialer).start();
        Connection toTwo = a.connect(address, false, 2);
        Await.until("the handshake refused", WAIT, () -> !dialer.closed.isEmpty());
        assertThat(toTwo.isActive()).isFalse();
        assertThat(dialer.connected).isEmpty();
        assertThat(dialer.closed.get(0)).contains("is node 3, where --cluster names node 2");

        Connection toThree = a.connect(address, false, 3);
        Await.until("the node it was opened for accepts", WAIT, toThree::isActive);
    }

    @Test
    void anOutboundConnectionWhoseSocketTakesNothingIsOpenedAgain() throws Exception {
        // After a long partition, TCP retransmits what a stale connection holds only at its backed-off timer
        // (up to two minutes) while every message for that peer is dropped; a new connection starts at once.
        // Here the peer accepts, answers the handshake and never reads again, until the node connects anew.
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket peer = new ServerSocket(0, 50, ANY.getAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = peer.accept();
                        s.setReceiveBufferSize(16 * 1024);
                        s.getInputStream().readNBytes(HandshakeFrame.LENGTH);
                        byte[] accept = new byte[HandshakeFrame.LENGTH];
                        new HandshakeFrame().encode(new UnsafeBuffer(accept), 0, FrameType.HANDSHAKE_ACCEPT, CLUSTER, 2, Roles.NODE, 0);
                        s.getOutputStream().write(accept);
                        accepted.add(s); // and never read from it again
                    }
                } catch (IOException e) {
                    // the server socket closed: the test is over
                }
            }, "stalled-peer");
            acceptor.setDaemon(true);
            acceptor.start();
            a = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(1).socketBufferLength(32 * 1024)
                .outboundWriteStallNs(300_000_000L), new RecordingHandler()).start();
            Connection toPeer = a.connect(new InetSocketAddress(ANY.getAddress(), peer.getLocalPort()), true);
            Await.until("connected to the peer", WAIT, toPeer::isActive);
            Await.until("the socket stalls and the node connects again", WAIT, () -> {
                offerUntilTheRingIsFull(toPeer);
                return accepted.size() >= 2;
            });
            assertThat(a.counters().get(Counter.WRITE_STALLS)).isPositive();
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    /** A client socket that completed the handshake and then never reads again, and the node's side of it. */
    private record StuckReader(Socket socket, Connection fromNode, InetSocketAddress address) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Starts node {@link #a} from {@code config} with small buffers (a 64 KiB client ring) and connects a {@link StuckReader}. */
    private StuckReader nodeWithAStuckReader(RecordingHandler nodeSide, TransportConfig config) throws IOException {
        a = new Transport(config.clusterId(CLUSTER).nodeId(1).clientRingCapacity(64 * 1024)
            .socketBufferLength(32 * 1024), nodeSide).start();
        InetSocketAddress address = a.bind(ANY);
        Socket stuck = new Socket(address.getAddress(), address.getPort());
        stuck.setReceiveBufferSize(16 * 1024);
        OutputStream out = stuck.getOutputStream();
        byte[] hello = new byte[HandshakeFrame.LENGTH];
        new HandshakeFrame().encode(new UnsafeBuffer(hello), 0, FrameType.HANDSHAKE, CLUSTER, 0, Roles.CLIENT, 0);
        out.write(hello);
        stuck.getInputStream().readNBytes(HandshakeFrame.LENGTH); // the accept
        Await.until("stuck client active", WAIT, () -> nodeSide.connected.size() == 1);
        return new StuckReader(stuck, nodeSide.connected.get(0), address);
    }

    /** Offers 32-byte frames until the connection's ring refuses one; returns how many it took. */
    private static int offerUntilTheRingIsFull(Connection to) {
        UnsafeBuffer frame = new UnsafeBuffer(new byte[1024]);
        new EndOfLogFrame().encode(frame, 0, 1, 2, 3);
        frame.putInt(0, 32);
        int accepted = 0;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (to.offer(frame, 0, 32)) {
            accepted++;
            assertThat(System.nanoTime() - deadline).as("the ring never filled").isNegative();
        }
        return accepted;
    }

    @Test
    void clientConnectionsBeyondTheLimitAreRefusedWhilePeersStillGetInAndTheOthersKeepWorking() throws IOException {
        RecordingHandler nodeSide = new RecordingHandler();
        a = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(1).maxAcceptedConnections(2), nodeSide).start();
        InetSocketAddress address = a.bind(ANY);
        byte[] hello = RawPeer.handshake(1, CLUSTER, 0, Roles.CLIENT);
        try (RawPeer first = new RawPeer(address); RawPeer second = new RawPeer(address)) {
            first.send(hello);
            second.send(hello);
            assertThat(first.readFrame()).isNotNull();
            assertThat(second.readFrame()).isNotNull();
            try (RawPeer third = new RawPeer(address)) {
                third.send(hello);
                ErrorFrame busy = third.readError();
                assertThat(busy.code()).isEqualTo(ErrorCode.BUSY);
                assertThat(busy.message()).contains("2 client connections are open");
                assertThat(third.closedByRemote()).isTrue();
            }
            assertThat(a.counters().get(Counter.CONNECTIONS_REFUSED)).isEqualTo(1);
            // Every client slot is taken, and a peer reconnecting still gets in: a node that took no peer then
            // would be cut off from the cluster (a node hears its peers on the connections they open).
            try (RawPeer peer = new RawPeer(address)) {
                peer.send(RawPeer.handshake(1, CLUSTER, 2, Roles.NODE));
                assertThat(Protocol.type(new UnsafeBuffer(peer.readFrame()), 0)).isEqualTo(FrameType.HANDSHAKE_ACCEPT);
            }
            int firstPort = first.socket.getLocalPort();
            Connection firstOnNode = nodeSide.connected.stream().filter(c -> c.remoteAddress().getPort() == firstPort)
                .findFirst().orElseThrow();
            first.close();
            // The transport thread frees the slot in the same step that closes the connection, before it accepts
            // anything new, so a closed state seen here means the fourth finds the slot free.
            Await.until("the node notices the first is gone", WAIT, () -> firstOnNode.isClosed());
            try (RawPeer fourth = new RawPeer(address)) {
                fourth.send(hello);
                assertThat(fourth.readFrame()).as("a slot is free again").isNotNull();
            }
        }
    }

    @Test
    void aConnectionClosingForAnErrorWhoseRemoteStopsSendingAndNeverReadsClosesAtItsDeadline() throws IOException {
        // The ERROR of a connection closed for a bad frame waits behind answers the remote never reads; the remote
        // then shuts its output. The ended stream was readable at every select, and each read moved the deadline
        // to "now" of the same duty cycle, which never passed: the connection lingered for ever, its client slot
        // held and the transport thread spinning.
        a = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(1).maxFrameLength(64 * 1024),
            new MiniNode(1, 64 * 1024)).start();
        InetSocketAddress address = a.bind(ANY);
        int n = 1 << 20; // 16 MiB of STATUS_REQUESTs: their answers fill every buffer between the node and the peer
        UnsafeBuffer requests = new UnsafeBuffer(new byte[n * RequestIdFrame.LENGTH + 16]);
        RequestIdFrame request = new RequestIdFrame();
        for (int i = 0; i < n; i++) {
            request.encode(requests, i * RequestIdFrame.LENGTH, FrameType.STATUS_REQUEST, i);
        }
        Protocol.writeHeader(requests, n * RequestIdFrame.LENGTH, 16, 0x7F); // then a frame of no known type
        try (RawPeer peer = new RawPeer(address)) {
            peer.send(RawPeer.handshake(Protocol.VERSION, CLUSTER, 0, Roles.CLIENT));
            peer.send(requests.byteArray());
            peer.socket.shutdownOutput(); // and never reads
            Await.until("the unknown frame refused", WAIT, () -> a.counters().get(Counter.UNKNOWN_TYPE) == 1);
            Await.until("the connection closed by its linger deadline", WAIT,
                () -> a.counters().get(Counter.CONNECTIONS_CLOSED) == 1);
        }
    }

    @Test
    void connectionsProbeAQuietPeerSoThatOneThatVanishedIsClosed() throws IOException {
        // A node never writes to an idle producer: without keep-alive probes, a client whose host crashed held
        // its slot and buffers for good.
        RecordingHandler nodeSide = new RecordingHandler();
        a = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(1), nodeSide).start();
        InetSocketAddress address = a.bind(ANY);
        b = new Transport(new TransportConfig().clusterId(CLUSTER).role(Roles.CLIENT), new RecordingHandler()).start();
        Connection toNode = b.connect(address, false);
        Await.until("connected", WAIT, () -> toNode.isActive() && nodeSide.connected.size() == 1);
        for (Connection c : List.of(toNode, nodeSide.connected.get(0))) {
            assertThat(c.channel.getOption(java.net.StandardSocketOptions.SO_KEEPALIVE)).isTrue();
            assertThat(c.channel.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(60);
            assertThat(c.channel.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT)).isEqualTo(3);
        }
    }

    @Test
    void aNodeTakesOnlyTheClientConnectionsItsDirectMemoryHolds() throws IOException {
        // Each client may come to hold 64 KiB of ring, a 64 KiB read buffer (the largest frame) and a 64 KiB write
        // buffer: 192 KiB. Half of a 1 MiB budget holds two. Past the JVM's cap every ring allocation made the
        // JVM collect and sleep on the transport thread before failing, and a node on a small heap got there
        // long before its connection limit.
        RecordingHandler nodeSide = new RecordingHandler();
        TransportConfig config = new TransportConfig().clusterId(CLUSTER).nodeId(1).clientRingCapacity(64 * 1024)
            .maxFrameLength(64 * 1024).directMemoryLimit(1024 * 1024);
        a = new Transport(config, nodeSide).start();
        assertThat(a.maxClients()).isEqualTo(2);
        InetSocketAddress address = a.bind(ANY);
        byte[] hello = RawPeer.handshake(1, CLUSTER, 0, Roles.CLIENT);
        try (RawPeer first = new RawPeer(address); RawPeer second = new RawPeer(address); RawPeer third = new RawPeer(address)) {
            first.send(hello);
            second.send(hello);
            assertThat(first.readFrame()).isNotNull();
            assertThat(second.readFrame()).isNotNull();
            third.send(hello);
            ErrorFrame busy = third.readError();
            assertThat(busy.code()).isEqualTo(ErrorCode.BUSY);
            assertThat(busy.message()).contains("2 client connections are open", "direct memory", "MaxDirectMemorySize");
        }
        // A node given the default limit keeps its configured one when the memory holds it.
        try (Transport roomy = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(2)
            .directMemoryLimit(8L << 30), new RecordingHandler())) {
            assertThat(roomy.maxClients()).isEqualTo(256);
        }
    }

    @Test
    void severalFramesInOneOfferOrOneOversizedClaimGoOutInOrder() {
        RecordingHandler nodeSide = new RecordingHandler();
        a = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(1), nodeSide).start();
        InetSocketAddress address = a.bind(ANY);
        b = new Transport(new TransportConfig().clusterId(CLUSTER).role(Roles.CLIENT), new RecordingHandler()).start();
        Connection toNode = b.connect(address, false);
        Await.until("connected", WAIT, toNode::isActive);

        RequestIdFrame request = new RequestIdFrame();
        UnsafeBuffer batch = new UnsafeBuffer(new byte[10 * RequestIdFrame.LENGTH]);
        for (int i = 0; i < 10; i++) {
            request.encode(batch, i * RequestIdFrame.LENGTH, FrameType.STATUS_REQUEST, i);
        }
        assertThat(toNode.offer(batch, 0, batch.capacity())).isTrue();
        for (int round = 0; round < 3; round++) { // the ring reuses its space: unused claim space must stay unsent
            int index = toNode.tryClaim(4096);
            assertThat(index).isNotNegative();
            for (int i = 0; i < 3; i++) {
                request.encode(toNode.claimBuffer(), index + i * RequestIdFrame.LENGTH, FrameType.STATUS_REQUEST, 100 + round * 10 + i);
            }
            toNode.commit(index);
        }
        Await.until("19 frames", WAIT, () -> nodeSide.frameCount.get() == 19);
        long[] ids = nodeSide.frames.stream().mapToLong(f -> {
            RequestIdFrame r = new RequestIdFrame();
            assertThat(r.wrap(new UnsafeBuffer(f.bytes()), 0, f.bytes().length)).isNull();
            return r.requestId();
        }).toArray();
        assertThat(ids).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100, 101, 102, 110, 111, 112, 120, 121, 122);
        assertThat(b.counters().get(Counter.FRAMES_SENT)).isEqualTo(19);
        assertThat(a.counters().get(Counter.PROTOCOL_ERRORS)).isZero();
    }
}
