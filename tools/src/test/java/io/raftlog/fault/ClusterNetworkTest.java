package io.raftlog.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy mesh of {@link Cluster} without server processes: the test listens on the nodes' real ports
 * itself and checks that each fault cuts exactly the directions it names, whichever node dialled.
 */
class ClusterNetworkTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private Cluster cluster;
    private final ServerSocket[] nodes = new ServerSocket[4];

    @BeforeEach
    void meshWithoutProcesses() throws IOException {
        cluster = new Cluster(ServerLaunch.of(Path.of("no.jar")), dir, 3, List.of(), List.of());
        for (int i = 1; i <= 3; i++) {
            nodes[i] = new ServerSocket(cluster.realAddress(i).getPort(), 50, InetAddress.getLoopbackAddress());
            nodes[i].setSoTimeout(10_000); // a proxy that never connects fails the test, not hangs it
        }
    }

    @AfterEach
    void close() throws IOException {
        cluster.close();
        for (int i = 1; i <= 3; i++) {
            nodes[i].close();
        }
    }

    /** A connection node {@code from} opened to node {@code to}, through the proxy named in from's --cluster. */
    private record Link(Socket dialer, Socket acceptor) {
    }

    private Link dial(int from, int to) throws IOException {
        String arg = cluster.clusterArg(from);
        String entry = arg.split(",")[to - 1];
        int port = Integer.parseInt(entry.substring(entry.lastIndexOf(':') + 1));
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        Socket a = nodes[to].accept();
        a.setSoTimeout(10_000);
        return new Link(s, a);
    }

    /** Sends one byte and waits for it: long enough when it should arrive (a loaded machine), briefly when it should not. */
    private static boolean delivers(Socket from, Socket to, Duration wait) throws IOException {
        from.getOutputStream().write('x');
        from.getOutputStream().flush();
        InputStream in = to.getInputStream();
        return Await.holdsWithin(wait, () -> available(in) > 0) && in.read() == 'x';
    }

    private static boolean arrives(Socket from, Socket to) throws IOException {
        return delivers(from, to, WAIT);
    }

    /** Dropped bytes never arrive, so a short look cannot make this flaky (only less sensitive). */
    private static boolean lost(Socket from, Socket to) throws IOException {
        return !delivers(from, to, Duration.ofMillis(300));
    }

    private static int available(InputStream in) {
        try {
            return in.available();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void eachNodeReachesItsPeersThroughItsOwnProxies() throws IOException {
        assertThat(cluster.clusterArg(1)).contains("1=127.0.0.1:" + cluster.realAddress(1).getPort());
        assertThat(cluster.clusterArg(1)).doesNotContain("2=127.0.0.1:" + cluster.realAddress(2).getPort());
        Link l = dial(1, 2);
        assertThat(arrives(l.dialer(), l.acceptor())).isTrue();
        assertThat(arrives(l.acceptor(), l.dialer())).isTrue();
    }

    @Test
    void oneWayBlockDropsThatDirectionOnConnectionsEitherNodeOpened() throws IOException {
        Link oneToTwo = dial(1, 2);
        Link twoToOne = dial(2, 1);
        cluster.blockOneWay(1, 2);
        // bytes from 1 to 2 are lost, on 1's connection and on 2's
        assertThat(lost(oneToTwo.dialer(), oneToTwo.acceptor())).isTrue();
        assertThat(lost(twoToOne.acceptor(), twoToOne.dialer())).isTrue();
        // bytes from 2 to 1 still arrive
        assertThat(arrives(oneToTwo.acceptor(), oneToTwo.dialer())).isTrue();
        assertThat(arrives(twoToOne.dialer(), twoToOne.acceptor())).isTrue();
        // node 3 is untouched
        Link oneToThree = dial(1, 3);
        assertThat(arrives(oneToThree.dialer(), oneToThree.acceptor())).isTrue();
    }

    @Test
    void partitionSeparatesGroupsAndHealingCutsOnlyConnectionsThatLostBytes() throws IOException {
        Link across = dial(1, 3);
        Link inside = dial(1, 2);
        cluster.partition(List.of(Set.of(1, 2), Set.of(3)));
        assertThat(lost(across.dialer(), across.acceptor())).isTrue();
        assertThat(lost(across.acceptor(), across.dialer())).isTrue();
        assertThat(arrives(inside.dialer(), inside.acceptor())).isTrue();

        cluster.healNetwork();
        // the stream that lost bytes is closed, so the nodes reconnect instead of parsing half a frame
        assertThat(across.dialer().getInputStream().read()).isEqualTo(-1);
        assertThat(arrives(inside.dialer(), inside.acceptor())).isTrue();
        Link again = dial(1, 3);
        assertThat(arrives(again.dialer(), again.acceptor())).isTrue();
    }

    @Test
    void stalledLinkHoldsBothWaysOnConnectionsEitherNodeOpenedAndHealingDeliversWithoutACut() throws IOException {
        Link oneToTwo = dial(1, 2);
        Link twoToOne = dial(2, 1);
        Link oneToThree = dial(1, 3);
        cluster.stallLink(1, 2);
        assertThat(lost(oneToTwo.dialer(), oneToTwo.acceptor())).isTrue();
        assertThat(lost(oneToTwo.acceptor(), oneToTwo.dialer())).isTrue();
        assertThat(lost(twoToOne.dialer(), twoToOne.acceptor())).isTrue();
        assertThat(arrives(oneToThree.dialer(), oneToThree.acceptor())).isTrue();

        cluster.healNetwork();
        // held, not lost: each byte arrives late on its own connection, and the connections carry on
        for (Socket s : List.of(oneToTwo.acceptor(), oneToTwo.dialer(), twoToOne.acceptor())) {
            InputStream in = s.getInputStream();
            Await.until("held byte delivered after healing", WAIT, () -> available(in) > 0);
            assertThat(in.read()).isEqualTo('x');
        }
        assertThat(arrives(oneToTwo.dialer(), oneToTwo.acceptor())).isTrue();
        assertThat(arrives(twoToOne.acceptor(), twoToOne.dialer())).isTrue();
    }

    @Test
    void slowNodeDelaysItsLinksOnly() throws IOException {
        cluster.slow(2, 60_000);
        Link toSlow = dial(1, 2);
        Link other = dial(1, 3);
        assertThat(lost(toSlow.dialer(), toSlow.acceptor())).isTrue();
        assertThat(arrives(other.dialer(), other.acceptor())).isTrue();
        cluster.healNetwork();
        InputStream in = toSlow.acceptor().getInputStream();
        Await.until("held byte delivered after healing", WAIT, () -> available(in) > 0);
        assertThat(in.read()).isEqualTo('x');
    }
}
