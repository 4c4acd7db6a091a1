package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.raftlog.journal.NodeIdentity;
import io.raftlog.net.server.RaftServer;
import io.raftlog.net.server.ServerConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code raftlog server} refuses bad settings with one line naming the problem (exit 2 for usage, 1 for
 * failures), in-process and without starting a node.
 */
class ServerCommandTest {
    @TempDir
    Path dir;

    private record Result(int code, String err) {
    }

    private static Result run(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Result(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    private static void assertOneLine(Result r, int code, String... fragments) {
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        String firstLine = r.err().lines().findFirst().orElse("");
        assertThat(firstLine).startsWith("raftlog");
        for (String f : fragments) {
            assertThat(firstLine).contains(f);
        }
        assertThat(r.err()).doesNotContain("\tat ");
    }

    /** An in-process single-node cluster (node 1, any free port) on {@code data}, listening. */
    private static RaftServer startNodeOne(Path data) {
        RaftServer s = RaftServer.start(ServerConfig.builder().nodeId(1).cluster("1=127.0.0.1:0").dataDir(data).build());
        assertThat(s.boundAddress().getPort()).isPositive();
        return s;
    }

    @Test
    void anIdNotInTheClusterIsAUsageError() {
        assertOneLine(run("server", "--id", "4", "--cluster", "1=127.0.0.1:1,2=127.0.0.1:2", "--data", dir.toString()),
            Cli.USAGE, "node id 4 is not in the cluster");
    }

    @Test
    void aMalformedClusterOrPolicyOrMissingSettingIsAUsageError() {
        assertOneLine(run("server", "--id", "1", "--cluster", "1=127.0.0.1", "--data", dir.toString()),
            Cli.USAGE, "bad address '127.0.0.1'");
        assertOneLine(run("server", "--id", "1", "--cluster", "1=127.0.0.1:7001", "--data", dir.toString(), "--fsync", "sometimes"),
            Cli.USAGE, "bad fsync policy 'sometimes'");
        assertOneLine(run("server", "--id", "1", "--cluster", "1=127.0.0.1:7001"), Cli.USAGE, "missing --data");
        assertOneLine(run("server", "--id", "1", "--cluster", "1=127.0.0.1:7001", "--data", dir.toString(), "--bogus"),
            Cli.USAGE, "--bogus");
    }

    @Test
    void aBadThreadingOrAWaitStrategyThatSharedThreadingIgnoresIsAUsageError() {
        String[] node = {"server", "--id", "1", "--cluster", "1=127.0.0.1:7001", "--data", dir.toString()};
        assertOneLine(run(concat(node, "--threading", "pooled")), Cli.USAGE, "unknown threading 'pooled': expected dedicated or shared");
        assertOneLine(run(concat(node, "--wait-strategy", "phased")), Cli.USAGE,
            "wait strategy 'phased' applies only to dedicated threading");
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Test
    void theConfigFileSuppliesSettingsAndUnknownKeysAreNamed() throws Exception {
        Path file = dir.resolve("node.properties");
        Files.writeString(file, "id=1\ncluster=1=127.0.0.1:7001\ndata=" + dir.resolve("d") + "\nfsnyc=none\n");
        assertOneLine(run("server", "--config", file.toString()), Cli.USAGE, "unknown setting 'fsnyc'");
        assertOneLine(run("server", "--config", dir.resolve("absent.properties").toString()), Cli.USAGE, "absent.properties");
    }

    @Test
    void aPortInUseIsAFailureNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            assertOneLine(run("server", "--id", "1", "--cluster", "1=" + address, "--data", dir.resolve("n1").toString()),
                Cli.FAILURE, "cannot listen on " + address);
        }
    }

    @Test
    void anotherNodesDataDirectoryIsAFailureNamingBothNodes() throws Exception {
        Path data = dir.resolve("node1");
        startNodeOne(data).close();
        assertOneLine(run("server", "--id", "2", "--cluster", "1=127.0.0.1:1,2=127.0.0.1:0", "--data", data.toString()),
            Cli.FAILURE, "data directory " + data + " belongs to node 1 of cluster id 0, not to node 2");
        assertOneLine(run("server", "--id", "1", "--cluster", "1=127.0.0.1:0", "--cluster-id", "7", "--data", data.toString()),
            Cli.FAILURE, "not to node 1 of cluster id 7");
        Files.writeString(data.resolve(NodeIdentity.FILE_NAME), "node-id=one\n");
        assertOneLine(run("server", "--id", "1", "--cluster", "1=127.0.0.1:0", "--data", data.toString()),
            Cli.FAILURE, "node-identity is damaged: 'node-id' is 'one'");
    }

    @Test
    void anUncreatableOrBusyDataDirectoryIsAFailureNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertOneLine(run("server", "--id", "1", "--cluster", "1=127.0.0.1:0", "--data", file.resolve("sub").toString()),
            Cli.FAILURE, "cannot create data directory");

        Path data = dir.resolve("busy");
        try (RaftServer running = startNodeOne(data)) {
            assertOneLine(run("server", "--id", "1", "--cluster", "1=127.0.0.1:0", "--data", data.toString()),
                Cli.FAILURE, "raftlog server: data directory " + data + " is in use by another raftlog node");
        }
    }
}
