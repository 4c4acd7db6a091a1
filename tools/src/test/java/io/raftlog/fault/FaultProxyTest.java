package io.raftlog.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlog.fault.FaultProxy.Direction;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
