package io.raftlog.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftlog.fault.FaultProxy.Direction;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private ServerSocket targetServer;
    private FaultProxy proxy;
    private Socket dialer;
    private Socket target;

    @BeforeEach
    void connectThroughProxy() throws IOException {
        targetServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        proxy = new FaultProxy("1->2", new InetSocketAddress(InetAddress.getLoopbackAddress(), targetServer.getLocalPort()));
        dialer = new Socket();
        dialer.connect(proxy.address(), 1000);
        dialer.setSoTimeout(10_000);
        target = targetServer.accept();
        target.setSoTimeout(10_000);
        Await.until("proxy to register the connection", WAIT, () -> proxy.openConnections() == 1);
    }

    @AfterEach
    void close() throws IOException {
        proxy.close();
        dialer.close();
        target.close();
        targetServer.close();
    }

    @Test
    void passesBytesBothWaysUnchanged() throws IOException {
        send(dialer, "hello");
        assertThat(receive(target, 5)).isEqualTo("hello");
        send(target, "world!");
        assertThat(receive(dialer, 6)).isEqualTo("world!");
    }

    @Test
    void droppingOneDirectionLosesOnlyThatDirection() throws IOException {
        proxy.drop(Direction.FORWARD, true);
        send(dialer, "lost");
        Await.until("proxy to read the dropped bytes", WAIT, () -> proxy.bytesDropped(Direction.FORWARD) == 4);
        send(target, "back");
        assertThat(receive(dialer, 4)).isEqualTo("back");
        assertThat(target.getInputStream().available()).isZero();
        assertThat(proxy.bytesWritten(Direction.FORWARD)).isZero();

        // The loss ends this connection for good (a spliced stream is no stream); a new one passes.
        proxy.drop(Direction.FORWARD, false);
        try (Socket again = new Socket()) {
            again.connect(proxy.address(), 1000);
            try (Socket againTarget = targetServer.accept()) {
                againTarget.setSoTimeout(10_000);
                send(again, "kept");
                assertThat(receive(againTarget, 4)).isEqualTo("kept");
            }
        }
    }

    @Test
    void aConnectionThatLostBytesNeverForwardsAgainEvenOncePassing() throws IOException {
        proxy.drop(Direction.FORWARD, true);
        send(dialer, "lost");
        Await.until("proxy to read the dropped bytes", WAIT, () -> proxy.bytesDropped(Direction.FORWARD) == 4);
        proxy.pass();
        send(dialer, "after");
        // The target must see the connection end (within the socket timeout), never "after" behind the gap.
        assertThat(target.getInputStream().read()).isEqualTo(-1);
        assertThat(proxy.bytesWritten(Direction.FORWARD)).isZero();
        assertThat(proxy.openConnections()).isZero();
    }

    @Test
    void delayedBytesAreHeldUntilTheDelayIsLiftedAndKeepTheirOrder() throws IOException {
        proxy.delay(Direction.FORWARD, 60_000);
        send(dialer, "ab");
        send(dialer, "cd");
        Await.until("proxy to read both chunks", WAIT, () -> proxy.bytesRead(Direction.FORWARD) == 4);
        // A minute of delay: nothing can have been forwarded yet, whatever the scheduling.
        assertThat(proxy.bytesWritten(Direction.FORWARD)).isZero();
        assertThat(target.getInputStream().available()).isZero();

        proxy.delay(Direction.FORWARD, 0);
        assertThat(receive(target, 4)).isEqualTo("abcd");
    }

    @Test
    void cutAllClosesTheConnectionOnBothSides() throws IOException {
        proxy.cutAll();
        assertThat(dialer.getInputStream().read()).isEqualTo(-1);
        assertThat(target.getInputStream().read()).isEqualTo(-1);
        assertThat(proxy.openConnections()).isZero();
    }

    @Test
    void cutTaintedClosesOnlyConnectionsThatLostBytes() throws IOException {
        Socket clean = new Socket();
        clean.connect(proxy.address(), 1000);
        Socket cleanTarget = targetServer.accept();
        Await.until("second connection", WAIT, () -> proxy.openConnections() == 2);

        proxy.drop(Direction.BACKWARD, true);
        send(target, "gone");
        Await.until("drop", WAIT, () -> proxy.bytesDropped(Direction.BACKWARD) == 4);
        proxy.pass();

        assertThat(proxy.cutTainted()).isEqualTo(1);
        assertThat(dialer.getInputStream().read()).isEqualTo(-1);
        send(clean, "still");
        assertThat(receive(cleanTarget, 5)).isEqualTo("still");
        clean.close();
        cleanTarget.close();
    }

    @Test
    void targetDownClosesTheDialersConnection() throws IOException {
        int port = targetServer.getLocalPort();
        targetServer.close();
        try (FaultProxy toNowhere = new FaultProxy("x", new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
             Socket s = new Socket()) {
            s.connect(toNowhere.address(), 1000);
            s.setSoTimeout(10_000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void stallBlocksBothSendersAndResumeDeliversEveryHeldByteInOrderOnTheSameConnection() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             FaultProxy p = new FaultProxy("3->4", (InetSocketAddress) server.getLocalAddress());
             SocketChannel a = SocketChannel.open(p.address());
             SocketChannel b = server.accept()) {
            Await.until("proxy to register the connection", WAIT, () -> p.openConnections() == 1);
            a.configureBlocking(false);
            b.configureBlocking(false);

            p.stall();
            // The proxy reads nothing, so each side fills every buffer on the way until it cannot write at all
            // (a blocking sender would block here): the backpressure a real partition builds.
            long forward = fillUntilBlocked(a);
            long backward = fillUntilBlocked(b);
            assertThat(p.bytesWritten(Direction.FORWARD)).isZero();
            assertThat(p.bytesWritten(Direction.BACKWARD)).isZero();
            assertThat(b.read(ByteBuffer.allocate(1))).isZero();
            assertThat(a.read(ByteBuffer.allocate(1))).isZero();

            p.resume();
            // The same connection, neither cut nor tainted: every byte arrives, in order, unchanged.
            expectPattern(b, forward);
            expectPattern(a, backward);
            assertThat(p.cutTainted()).isZero();
            assertThat(p.bytesDropped(Direction.FORWARD) + p.bytesDropped(Direction.BACKWARD)).isZero();
            assertThat(p.openConnections()).isEqualTo(1);
        }
    }

    @Test
    void aConnectionOpenedDuringAStallReachesTheTargetOnlyAtResume() throws IOException {
        proxy.stall();
        try (Socket late = new Socket()) {
            late.connect(proxy.address(), 1000); // the kernel completes the TCP handshake; the proxy holds the rest
            send(late, "early");
            Await.until("the stalled proxy to hold the connection", WAIT, () -> proxy.heldAccepts() == 1);
            // Held: the proxy has not connected on to the target, so the target has nothing to accept.
            targetServer.setSoTimeout(300);
            assertThatThrownBy(targetServer::accept).isInstanceOf(SocketTimeoutException.class);
            assertThat(proxy.openConnections()).isEqualTo(1);

            proxy.resume();
            targetServer.setSoTimeout(10_000);
            try (Socket lateTarget = targetServer.accept()) {
                lateTarget.setSoTimeout(10_000);
                assertThat(receive(lateTarget, 5)).isEqualTo("early");
                send(lateTarget, "reply");
                late.setSoTimeout(10_000);
                assertThat(receive(late, 5)).isEqualTo("reply");
            }
        }
        assertThat(proxy.heldAccepts()).isZero();
    }

    @Test
    void passEndsAStallWithoutCuttingAnything() throws IOException {
        proxy.stall();
        send(dialer, "held");
        proxy.pass();
        assertThat(proxy.stalled()).isFalse();
        assertThat(proxy.cutTainted()).isZero();
        assertThat(receive(target, 4)).isEqualTo("held");
    }

    /** Writes the pattern from a non-blocking channel until it takes nothing; returns how many bytes it took. */
    private static long fillUntilBlocked(SocketChannel ch) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long sent = 0;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            fill(chunk, sent);
            int n = ch.write(chunk);
            sent += n;
            if (n == 0) {
                return sent; // the send buffer is full and nothing drains it
            }
            assertThat(System.nanoTime() - deadline).as("the buffers never filled (%d bytes sent)", sent).isNegative();
        }
    }

    /** Reads exactly {@code count} bytes (each read within the socket timeout) and checks they are the pattern from 0 on. */
    private static void expectPattern(SocketChannel ch, long count) throws IOException {
        ch.configureBlocking(true);
        ch.socket().setSoTimeout(10_000);
        InputStream in = ch.socket().getInputStream();
        byte[] got = in.readNBytes((int) count);
        assertThat(got.length).as("bytes before the stream ended").isEqualTo((int) count);
        for (int i = 0; i < got.length; i++) {
            if (got[i] != pattern(i)) {
                throw new AssertionError("byte " + i + " of " + count + " differs after the stall");
            }
        }
        assertThat(in.available()).as("more bytes than were sent").isZero();
    }

    private static byte pattern(long i) {
        return (byte) (i * 31 + (i >>> 8));
    }

    private static void fill(ByteBuffer b, long from) {
        b.clear();
        for (int i = 0; i < b.capacity(); i++) {
            b.put(pattern(from + i));
        }
        b.flip();
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    private static String receive(Socket s, int n) throws IOException {
        InputStream in = s.getInputStream();
        byte[] b = in.readNBytes(n);
        return new String(b, StandardCharsets.US_ASCII);
    }
}
