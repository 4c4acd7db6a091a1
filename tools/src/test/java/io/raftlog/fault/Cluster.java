package io.raftlog.fault;

import io.raftlog.fault.FaultProxy.Direction;
import io.raftlog.net.server.LoopbackPorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/**
 * N real {@code raftlog server} processes on loopback whose peer traffic all flows through
 * {@link FaultProxy} instances: node i reaches node j at proxy (i,j), which forwards to j's real port.
 * Each node binds its real port with {@code --listen}; its {@code --cluster} names the proxies for its
 * peers. Clients connect to the real ports directly, so a partition separates nodes, not the test's
 * clients from them (a client on the wrong side of a partition is what the retries must cope with), until
 * a client follows a NOT_LEADER's hint: a node names the leader by the address in its own {@code --cluster},
 * a proxy, and faults on that link then reach the client's connection too.
 *
 * <p>Bytes from i to j travel in the FORWARD direction of proxy (i,j) and in the BACKWARD direction of
 * proxy (j,i) (the replies on connections j opened), so a one-way fault sets both.
 */
final class Cluster implements FaultTarget, AutoCloseable {
    private final int n;
    private final int[] realPorts;
    private final FaultProxy[][] proxies;
    private final NodeProcess[] processes;
    private final Path baseDir;
    private volatile IntSupplier leaderView = () -> 0;
    /** Kills the servers should the test JVM exit without closing the cluster (they would outlive it). */
    private final Thread reaper = new Thread(this::killAll, "fault-cluster-reaper");

    /**
     * @param launch     how to start the raftlog command line
     * @param javaFlags  JVM flags of each server
     * @param serverArgs extra {@code server} arguments (e.g. {@code --fsync batch})
     */
    Cluster(ServerLaunch launch, Path baseDir, int n, List<String> javaFlags, List<String> serverArgs) throws IOException {
        this.n = n;
        this.baseDir = baseDir;
        // The nodes' ports stay reserved until every proxy has bound its own, so no proxy takes one of them.
        ServerSocket[] reserved = reservePorts(n);
        this.realPorts = new int[n];
        for (int i = 0; i < n; i++) {
            realPorts[i] = reserved[i].getLocalPort();
        }
        this.proxies = new FaultProxy[n + 1][n + 1];
        this.processes = new NodeProcess[n + 1];
        try {
            for (int i = 1; i <= n; i++) {
                for (int j = 1; j <= n; j++) {
                    if (i != j) {
                        proxies[i][j] = new FaultProxy(i + "->" + j, realAddress(j));
                    }
                }
            }
            for (ServerSocket s : reserved) {
                s.close();
            }
            for (int i = 1; i <= n; i++) {
                List<String> cmd = new ArrayList<>();
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                cmd.addAll(javaFlags);
                cmd.addAll(launch.javaArgs());
                cmd.addAll(List.of("server", "--id", Integer.toString(i),
                    "--cluster", clusterArg(i), "--data", dataDir(i).toString(),
                    "--listen", "127.0.0.1:" + realPorts[i - 1]));
                cmd.addAll(serverArgs);
                processes[i] = new NodeProcess(i, cmd, baseDir.resolve("node-" + i + ".log"));
            }
            Runtime.getRuntime().addShutdownHook(reaper);
        } catch (IOException | RuntimeException e) {
            for (ServerSocket r : reserved) {
                r.close();
            }
            close();
            throw e;
        }
    }

    /** What node i is told: proxies for its peers, its own real address for itself. */
    String clusterArg(int i) {
        StringBuilder sb = new StringBuilder();
        for (int j = 1; j <= n; j++) {
            InetSocketAddress a = i == j ? realAddress(j) : proxies[i][j].address();
            sb.append(j == 1 ? "" : ",").append(j).append("=127.0.0.1:").append(a.getPort());
        }
        return sb.toString();
    }

    InetSocketAddress realAddress(int node) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), realPorts[node - 1]);
    }

    /** {@code 127.0.0.1:port,...}: how clients reach the nodes (directly). */
    String clientAddresses() {
        StringBuilder sb = new StringBuilder();
        for (int j = 1; j <= n; j++) {
            sb.append(j == 1 ? "" : ",").append("127.0.0.1:").append(realPorts[j - 1]);
        }
        return sb.toString();
    }

    Path dataDir(int node) {
        return baseDir.resolve("node-" + node);
    }

    NodeProcess process(int node) {
        return processes[node];
    }

    /** Where {@link #leader()} comes from (the status observer). */
    void leaderView(IntSupplier view) {
        this.leaderView = view;
    }

    void startAll() {
        for (int i = 1; i <= n; i++) {
            start(i);
        }
    }

    /** Waits until every node printed a line matching {@code ready} since its last start. */
    void awaitReady(Predicate<String> ready, Duration timeout) {
        for (int i = 1; i <= n; i++) {
            NodeProcess p = processes[i];
            if (!Await.holdsWithin(timeout, () -> p.printed(ready) || !p.alive())) {
                throw new AssertionError("node " + i + " printed no ready line within " + timeout.toSeconds() + " s; its output ends:\n" + p.tail(30));
            }
            if (!p.alive() && !p.printed(ready)) {
                throw new AssertionError("node " + i + " exited before it was ready; its output ends:\n" + p.tail(30));
            }
        }
    }

    @Override
    public int nodes() {
        return n;
    }

    @Override
    public int leader() {
        return leaderView.getAsInt();
    }

    @Override
    public void kill(int node) {
        processes[node].kill();
        // The kernel closes the dead node's sockets and the proxies pass that on; cutting makes it immediate.
        for (int j = 1; j <= n; j++) {
            if (j != node) {
                proxies[node][j].cutAll();
                proxies[j][node].cutAll();
            }
        }
    }

    @Override
    public void start(int node) {
        processes[node].start();
    }

    @Override
    public void freeze(int node) {
        processes[node].freeze();
    }

    @Override
    public void thaw(int node) {
        processes[node].thaw();
    }

    @Override
    public void partition(List<Set<Integer>> groups) {
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= n; j++) {
                if (i != j && group(groups, i) != group(groups, j)) {
                    blockOneWay(i, j);
                }
            }
        }
    }

    private static int group(List<Set<Integer>> groups, int node) {
        for (int g = 0; g < groups.size(); g++) {
            if (groups.get(g).contains(node)) {
                return g;
            }
        }
        return -1;
    }

    @Override
    public void blockOneWay(int from, int to) {
        proxies[from][to].drop(Direction.FORWARD, true);
        proxies[to][from].drop(Direction.BACKWARD, true);
    }

    @Override
    public void stallLink(int a, int b) {
        proxies[a][b].stall();
        proxies[b][a].stall();
    }

    @Override
    public void slow(int node, long millis) {
        for (int j = 1; j <= n; j++) {
            if (j != node) {
                for (Direction d : Direction.values()) {
                    proxies[node][j].delay(d, millis);
                    proxies[j][node].delay(d, millis);
                }
            }
        }
    }

    /**
     * Lifts every fault (stalled links deliver what they held, on the same connections: a stall loses
     * nothing, so it taints nothing), then closes the connections that lost bytes. In this order no connection can lose
     * bytes after its cut, and between the two steps a tainted direction forwards nothing (FaultProxy),
     * so no node ever reads a stream with a gap in it.
     */
    @Override
    public void healNetwork() {
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= n; j++) {
                if (i != j) {
                    proxies[i][j].pass();
                }
            }
        }
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= n; j++) {
                if (i != j) {
                    proxies[i][j].cutTainted();
                }
            }
        }
    }

    /** Heals everything: links pass, frozen nodes thaw, dead nodes start. */
    void healAll() {
        healNetwork();
        for (int i = 1; i <= n; i++) {
            thaw(i);
            start(i);
        }
    }

    /** Graceful stop of every node (for reading journals offline); frozen nodes are thawed first. */
    void stopAll(Duration grace) {
        for (int i = 1; i <= n; i++) {
            processes[i].stop(grace);
        }
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // shutting down already, or the hook was never added
        }
        for (FaultProxy[] row : proxies) {
            for (FaultProxy p : row) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }

    private void killAll() {
        for (int i = 1; i <= n; i++) {
            if (processes[i] != null) {
                try {
                    processes[i].kill();
                } catch (RuntimeException e) {
                    System.err.println("fault suite: could not kill node " + i + ": " + e.getMessage());
                }
            }
        }
    }

    /** Loopback server sockets on free ports (see LoopbackPorts); closed before the nodes start (a small race remains). */
    static ServerSocket[] reservePorts(int count) throws IOException {
        return LoopbackPorts.hold(count);
    }
}
