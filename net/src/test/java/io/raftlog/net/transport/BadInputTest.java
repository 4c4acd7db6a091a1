package io.raftlog.net.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.raftlog.net.codec.ClientAppendEncoder;
import io.raftlog.net.codec.ErrorCode;
import io.raftlog.net.codec.ErrorFrame;
import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.HandshakeFrame;
import io.raftlog.net.codec.Protocol;
import io.raftlog.net.codec.RequestIdFrame;
import io.raftlog.net.codec.Roles;
import io.raftlog.net.codec.VoteRequestFrame;
import io.raftlog.net.transport.TransportCounters.Counter;
import io.raftlog.pipeline.Await;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each kind of bad input, sent to a listening node: it closes only that connection (with an ERROR frame
 * saying why where one can be sent) and counts it; afterwards a new connection still works, and a
 * client connected since the start never noticed.
 */
class BadInputTest {
    private static final long CLUSTER = 5;
    private static Transport node;
    private static Transport clients;
    private static InetSocketAddress address;
    private static Connection bystander;
    private static MiniNode mini;
    private static final RecordingHandler bystanderFrames = new RecordingHandler();

    @BeforeAll
    static void start() {
        mini = new MiniNode(1, 64 * 1024);
        // Two seconds to hand-shake: short enough for noHandshakeInTime, long enough that a stall of a busy test
        // machine between a raw peer's connect and its first bytes does not turn every other test into that one.
        node = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(1).maxFrameLength(64 * 1024)
            .handshakeTimeoutNs(2_000_000_000L), mini).start();
        address = node.bind(new InetSocketAddress("127.0.0.1", 0));
        clients = new Transport(new TransportConfig().clusterId(CLUSTER).role(Roles.CLIENT), bystanderFrames).start();
        bystander = clients.connect(address, false);
        Await.until("bystander connects", Duration.ofSeconds(10), bystander::isActive);
    }

    @AfterAll
    static void stop() {
        clients.close();
        node.close();
    }

    private static byte[] hello() {
        return RawPeer.handshake(Protocol.VERSION, CLUSTER, 0, Roles.CLIENT);
    }

    private static byte[] header(int length, int version, int type) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[Protocol.HEADER_LENGTH]);
        Protocol.writeHeader(b, 0, length, type);
        b.putByte(Protocol.VERSION_OFFSET, (byte) version);
        return b.byteArray();
    }

    private static byte[] statusRequest(long id) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[RequestIdFrame.LENGTH]);
        new RequestIdFrame().encode(b, 0, FrameType.STATUS_REQUEST, id);
        return b.byteArray();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Sends {@code bytes}, expects an ERROR with {@code code} and a closed connection, then checks the node serves. */
    private static void refused(byte[] bytes, int code, Counter counter, String messagePart) throws IOException {
        long before = node.counters().get(counter);
        long errorsBefore = node.counters().get(Counter.PROTOCOL_ERRORS);
        try (RawPeer peer = new RawPeer(address)) {
            peer.send(bytes);
            ErrorFrame error = peer.readError();
            assertThat(ErrorCode.name(error.code())).isEqualTo(ErrorCode.name(code));
            assertThat(error.message()).contains(messagePart);
            assertThat(peer.closedByRemote()).as("connection closed after the error").isTrue();
        }
        Await.until(counter + " counted", Duration.ofSeconds(10), () -> node.counters().get(counter) == before + 1);
        assertThat(node.counters().get(Counter.PROTOCOL_ERRORS)).isEqualTo(errorsBefore + 1);
        stillServes();
    }

    /** A fresh connection does normal work, and so does the connection that was there all along. */
    private static void stillServes() throws IOException {
        try (RawPeer good = new RawPeer(address)) {
            good.send(concat(hello(), statusRequest(42)));
            assertThat(Protocol.type(new UnsafeBuffer(good.readFrame()), 0)).isEqualTo(FrameType.HANDSHAKE_ACCEPT);
            byte[] status = good.readFrame();
            assertThat(Protocol.type(new UnsafeBuffer(status), 0)).isEqualTo(FrameType.STATUS);
        }
        int before = bystanderFrames.frameCount.get();
        byte[] request = statusRequest(7);
        assertThat(bystander.offer(new UnsafeBuffer(request), 0, request.length)).isTrue();
        Await.until("bystander answered", Duration.ofSeconds(10), () -> bystanderFrames.frameCount.get() == before + 1);
        assertThat(bystander.isActive()).isTrue();
    }

    @Test
    void garbageBeforeTheHandshake() throws IOException {
        refused("GET / HTTP/1.1\r\nHost: raftlog\r\n\r\n".getBytes(StandardCharsets.US_ASCII), ErrorCode.TOO_LARGE,
            Counter.BAD_LENGTH, "outside [8, 65536]");
    }

    @Test
    void negativeLength() throws IOException {
        refused(header(-5, 1, FrameType.HANDSHAKE), ErrorCode.MALFORMED, Counter.BAD_LENGTH, "frame length -5");
    }

    @Test
    void zeroLength() throws IOException {
        refused(concat(hello(), header(0, 1, FrameType.STATUS_REQUEST)), ErrorCode.MALFORMED, Counter.BAD_LENGTH, "frame length 0");
    }

    @Test
    void lengthOverTheMaximumIsRefusedFromItsHeaderAlone() throws IOException {
        refused(concat(hello(), header(64 * 1024 + 1, 1, FrameType.APPEND)), ErrorCode.TOO_LARGE, Counter.BAD_LENGTH, "65537");
    }

    @Test
    void unknownType() throws IOException {
        refused(concat(hello(), header(16, 1, 0x7F), new byte[8]), ErrorCode.UNKNOWN_TYPE, Counter.UNKNOWN_TYPE, "0x7f");
    }

    @Test
    void aPeerStillSendingBehindABadFrameReadsTheErrorThenACleanEndNotAReset() throws Exception {
        // Closing a socket whose input is still unread makes the kernel reset the connection, and a reset can
        // drop an ERROR the remote has not read yet (a client pipelining appends behind a broken frame). The
        // node shuts its output after the ERROR and discards input until the remote closes too.
        byte[] bytes = concat(hello(), header(16, 1, 0x7F), new byte[8], new byte[8 << 20]);
        try (RawPeer peer = new RawPeer(address)) {
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    peer.send(bytes);
                    peer.socket.shutdownOutput();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            peer.readFrame(); // the accept
            assertThat(ErrorCode.name(peer.readError().code())).isEqualTo(ErrorCode.name(ErrorCode.UNKNOWN_TYPE));
            assertThat(peer.readFrame()).as("the end of the stream, not a reset").isNull();
            sent.get(10, TimeUnit.SECONDS); // every byte taken, none refused by a reset
        }
        stillServes();
    }

    @Test
    void wrongVersion() throws IOException {
        refused(RawPeer.handshake(2, CLUSTER, 0, Roles.CLIENT), ErrorCode.UNSUPPORTED_VERSION, Counter.BAD_VERSION, "version 2");
    }

    @Test
    void wrongCluster() throws IOException {
        refused(RawPeer.handshake(1, CLUSTER + 1, 0, Roles.CLIENT), ErrorCode.WRONG_CLUSTER, Counter.WRONG_CLUSTER, "cluster id 6");
    }

    @Test
    void aPeerStartedWithOtherMembers() throws IOException {
        // This node's transport was given no member digest (0); a peer that knows four members is refused.
        long fourMembers = HandshakeFrame.membersDigest(new int[] {1, 2, 3, 4});
        refused(RawPeer.handshake(1, CLUSTER, 2, Roles.NODE, fourMembers), ErrorCode.WRONG_CLUSTER, Counter.WRONG_CLUSTER,
            "node 2 was started with other cluster members than node 1");
    }

    @Test
    void aFrameBeforeTheHandshake() throws IOException {
        refused(statusRequest(1), ErrorCode.UNEXPECTED_FRAME, Counter.UNEXPECTED_FRAME, "expected HANDSHAKE first");
    }

    @Test
    void theHeaderOfALargeFrameBeforeTheHandshakeIsRefusedWithoutWaitingForItsBody() throws IOException {
        // Eight bytes and no body: answered at once, before any buffer grows for the 60,000 bytes announced.
        refused(header(60_000, 1, FrameType.APPEND), ErrorCode.UNEXPECTED_FRAME, Counter.UNEXPECTED_FRAME,
            "expected HANDSHAKE first, got APPEND");
    }

    @Test
    void theHeaderOfAFrameTheRoleMayNotSendIsRefusedWithoutWaitingForItsBody() throws IOException {
        refused(concat(hello(), header(60_000, 1, FrameType.APPEND_ENTRIES)), ErrorCode.UNEXPECTED_FRAME,
            Counter.UNEXPECTED_FRAME, "a CLIENT may not send APPEND_ENTRIES");
    }

    @Test
    void aSecondHandshake() throws IOException {
        refused(concat(hello(), hello()), ErrorCode.UNEXPECTED_FRAME, Counter.UNEXPECTED_FRAME, "second handshake");
    }

    @Test
    void aClientSendingAPeerMessage() throws IOException {
        UnsafeBuffer vote = new UnsafeBuffer(new byte[VoteRequestFrame.LENGTH]);
        new VoteRequestFrame().encode(vote, 0, FrameType.VOTE, 9, 1, 100, 5, 5);
        refused(concat(hello(), vote.byteArray()), ErrorCode.UNEXPECTED_FRAME, Counter.UNEXPECTED_FRAME, "a CLIENT may not send VOTE");
    }

    @Test
    void aPeerWithoutANodeId() throws IOException {
        refused(RawPeer.handshake(1, CLUSTER, 0, Roles.NODE), ErrorCode.UNEXPECTED_FRAME, Counter.UNEXPECTED_FRAME, "node id");
    }

    @Test
    void aFixedSizeFrameWithTheWrongLength() throws IOException {
        refused(concat(hello(), header(20, 1, FrameType.STATUS_REQUEST), new byte[12]), ErrorCode.MALFORMED, Counter.MALFORMED,
            "STATUS_REQUEST frame of 20 bytes");
    }

    @Test
    void aBodyThatDoesNotParse() throws IOException {
        UnsafeBuffer append = new UnsafeBuffer(new byte[64]);
        ClientAppendEncoder encoder = new ClientAppendEncoder().wrap(append, 0, 64, 1, 1);
        encoder.add(new UnsafeBuffer(new byte[10]), 0, 10);
        append.putInt(ClientAppendEncoder.PAYLOADS_OFFSET, 1000, Protocol.ORDER); // payload length beyond the frame
        byte[] frame = new byte[encoder.frameLength()];
        append.getBytes(0, frame);
        refused(concat(hello(), frame), ErrorCode.MALFORMED, Counter.MALFORMED, "payload 0 length 1000 overruns");
    }

    @Test
    void noHandshakeInTime() throws IOException {
        refused(new byte[3], ErrorCode.UNEXPECTED_FRAME, Counter.HANDSHAKE_TIMEOUTS, "no handshake within 2000 ms");
    }

    @Test
    void aFrameCutShortByTheConnectionClosing() throws IOException {
        long before = node.counters().get(Counter.TRUNCATED);
        try (RawPeer peer = new RawPeer(address)) {
            byte[] request = statusRequest(3);
            byte[] half = new byte[10];
            System.arraycopy(request, 0, half, 0, half.length);
            peer.send(concat(hello(), half));
            assertThat(Protocol.type(new UnsafeBuffer(peer.readFrame()), 0)).isEqualTo(FrameType.HANDSHAKE_ACCEPT);
            peer.socket.shutdownOutput();
            assertThat(peer.closedByRemote()).isTrue();
        }
        Await.until("truncation counted", Duration.ofSeconds(10), () -> node.counters().get(Counter.TRUNCATED) == before + 1);
        stillServes();
    }

    @Test
    void aFrameSpreadOverManyWritesIsStillOneFrame() throws IOException {
        try (RawPeer peer = new RawPeer(address)) {
            byte[] all = concat(hello(), statusRequest(11));
            for (byte b : all) {
                peer.send(new byte[] {b});
            }
            assertThat(Protocol.type(new UnsafeBuffer(peer.readFrame()), 0)).isEqualTo(FrameType.HANDSHAKE_ACCEPT);
            assertThat(Protocol.type(new UnsafeBuffer(peer.readFrame()), 0)).isEqualTo(FrameType.STATUS);
        }
    }
}
