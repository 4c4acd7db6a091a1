package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.raftlog.journal.NodeIdentity;
import io.raftlog.journal.NodeStorage;
import io.raftlog.net.server.RaftServer;
import io.raftlog.net.server.ServerConfig;
import io.raftlog.pipeline.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code raftlog server} refuses bad settings with one line naming the problem (exit 2 for usage, 1 for
 * failures), in-process and without starting a node.
 */
class ServerCommandTest {
    @TempDir
    Path dir;

    /** An in-process single-node cluster (node 1, any free port) on {@code data}, listening. */
    private static RaftServer startNodeOne(Path data) {
        RaftServer s = RaftServer.start(ServerConfig.builder().nodeId(1).cluster("1=127.0.0.1:0").dataDir(data).build());
        assertThat(s.boundAddress().getPort()).isPositive();
        return s;
    }

    @Test
    void anIdNotInTheClusterIsAUsageError() {
        CliRun.of("server", "--id", "4", "--cluster", "1=127.0.0.1:1,2=127.0.0.1:2", "--data", dir.toString()).assertOneLineError(
            Cli.USAGE, "node id 4 is not in the cluster");
    }

    /**
     * Ids beyond 65535 are refused before the data directory is touched: 2^31-1 overflowed the node's per-id
     * tables ("raftlog server: -2147483648") after its directory had recorded a member set that never ran, so a
     * corrected start was then refused too.
     */
    @Test
    void aNodeIdOutOfRangeIsAUsageErrorThatLeavesNoDataDirectory() throws Exception {
        Path data = dir.resolve("node");
        CliRun.of("server", "--id", "2147483647", "--cluster", "2147483647=127.0.0.1:0", "--data", data.toString())
            .assertOneLineError(Cli.USAGE, "node id 2147483647 in cluster entry '2147483647=127.0.0.1:0' is out of range",
                "from 1 to 65535");
        CliRun.of("server", "--id", "1", "--cluster", "1=127.0.0.1:0,100000000=127.0.0.1:1", "--data", data.toString())
            .assertOneLineError(Cli.USAGE, "node id 100000000 in cluster entry '100000000=127.0.0.1:1' is out of range");
        assertThat(data).doesNotExist();
        RaftServer.start(ServerConfig.builder().nodeId(ServerConfig.MAX_NODE_ID).cluster("65535=127.0.0.1:0").dataDir(data)
            .build()).close();
        assertThat(Files.readString(data.resolve(NodeIdentity.FILE_NAME))).contains("members=65535\n");
    }

    /** It printed "raftlog server: UnresolvedAddressException" (exit 2) after it had made the directory and its lock. */
    @Test
    void anUnresolvableHostToListenOnIsAUsageErrorNamingItThatLeavesNoDataDirectory() {
        Path data = dir.resolve("node");
        CliRun.of("server", "--id", "1", "--cluster", "1=nosuchhost.invalid:7101", "--data", data.toString()).assertOneLineError(
            Cli.USAGE, "cannot resolve host 'nosuchhost.invalid' of this node's cluster entry 1=nosuchhost.invalid:7101");
        CliRun.of("server", "--id", "1", "--cluster", "1=127.0.0.1:7101", "--listen", "nosuchhost.invalid:7101", "--data",
            data.toString()).assertOneLineError(Cli.USAGE, "cannot resolve host 'nosuchhost.invalid' of the listen address");
        assertThat(data).doesNotExist();
    }

    /** A bound on the run: a start that is wrongly accepted serves until stopped, and the test would hang. */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aMalformedClusterOrPolicyOrMissingSettingIsAUsageError() {
        CliRun.of("server", "--id", "1", "--cluster", "1=127.0.0.1", "--data", dir.toString()).assertOneLineError(
            Cli.USAGE, "--cluster: bad address '127.0.0.1'");
        CliRun.of("server", "--id", "1", "--cluster", "1=127.0.0.1:7001", "--advertise", "public.example", "--data",
            dir.toString()).assertOneLineError(Cli.USAGE, "--advertise: bad address 'public.example': expected HOST:PORT");
        // A space for a comma: a 2-member cluster, recorded in the new data directory for good.
        Path data = dir.resolve("node1");
        CliRun.of("server", "--id", "1", "--cluster", "1=127.0.0.1:7001,2=127.0.0.1:7002 3=127.0.0.1:7003", "--data",
            data.toString()).assertOneLineError(Cli.USAGE,
                "--cluster: bad address '127.0.0.1:7002 3=127.0.0.1:7003': expected HOST:PORT (separate nodes with commas)");
        assertThat(data).doesNotExist();
        CliRun.of("server", "--id", "1", "--cluster", "1=127.0.0.1:7001", "--listen", "localhost 7001:7001", "--data",
            data.toString()).assertOneLineError(Cli.USAGE, "--listen: bad address");
        // accepted before: each node's connection to the other peer reached itself, and was refused, forever
        CliRun.of("server", "--id", "1", "--cluster", "1=127.0.0.1:7301,2=127.0.0.1:7301", "--data", dir.toString())
            .assertOneLineError(Cli.USAGE, "address 127.0.0.1:7301 appears twice in the cluster (nodes 1 and 2)");
        CliRun.of("server", "--id", "1", "--cluster", "1=127.0.0.1:7001", "--data", dir.toString(), "--fsync", "sometimes").assertOneLineError(
            Cli.USAGE, "bad fsync policy 'sometimes'");
        CliRun.of("server", "--id", "1", "--cluster", "1=127.0.0.1:7001").assertOneLineError(Cli.USAGE, "missing --data");
        CliRun.of("server", "--id", "1", "--cluster", "1=127.0.0.1:7001", "--data", dir.toString(), "--bogus").assertOneLineError(
            Cli.USAGE, "--bogus");
    }

    @Test
    void aBadThreadingOrAWaitStrategyThatSharedThreadingIgnoresIsAUsageError() {
        String[] node = {"server", "--id", "1", "--cluster", "1=127.0.0.1:7001", "--data", dir.toString()};
        CliRun.of(concat(node, "--threading", "pooled")).assertOneLineError(Cli.USAGE, "unknown threading 'pooled': expected dedicated or shared");
        CliRun.of(concat(node, "--wait-strategy", "phased")).assertOneLineError(Cli.USAGE,
            "wait strategy 'phased' applies only to dedicated threading");
    }

    @Test
    void aBadRetentionIsAUsageErrorNamingTheFlag() {
        String[] node = {"server", "--id", "1", "--cluster", "1=127.0.0.1:7001", "--data", dir.toString()};
        CliRun.of(concat(node, "--retention", "forever")).assertOneLineError(Cli.USAGE, "--retention: bad duration 'forever'");
        CliRun.of(concat(node, "--retention", "0s")).assertOneLineError(Cli.USAGE, "--retention must be positive");
        CliRun.of(concat(node, "--retention-bytes", "lots")).assertOneLineError(Cli.USAGE, "--retention-bytes: bad size 'lots'");
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
        CliRun.of("server", "--config", file.toString()).assertOneLineError(Cli.USAGE, "unknown setting 'fsnyc'");
        CliRun.of("server", "--config", dir.resolve("absent.properties").toString()).assertOneLineError(Cli.USAGE, "absent.properties");
    }

    /** Whole numbers too large for an int were cut: id=4294967297 (2^32 + 1) started node 1. */
    @Test
    void aConfigFileNumberTooLargeIsAUsageErrorNamingTheKey() throws Exception {
        Path file = dir.resolve("node.properties");
        Files.writeString(file, "id=4294967297\ncluster=1=127.0.0.1:0\ndata=" + dir.resolve("d") + "\n");
        CliRun.of("server", "--config", file.toString()).assertOneLineError(Cli.USAGE, "bad id '4294967297': out of range");
        Files.writeString(file, "id=1\ncluster=1=127.0.0.1:0\ndata=" + dir.resolve("d") + "\nelection-ticks=4294967326\n");
        CliRun.of("server", "--config", file.toString()).assertOneLineError(Cli.USAGE, "bad election-ticks '4294967326': out of range");
        assertThat(dir.resolve("d")).doesNotExist();
    }

    @Test
    void aPortInUseIsAFailureNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            CliRun.of("server", "--id", "1", "--cluster", "1=" + address, "--data", dir.resolve("n1").toString()).assertOneLineError(
                Cli.FAILURE, "cannot listen on " + address);
        }
    }

    @Test
    void anotherNodesDataDirectoryIsAFailureNamingBothNodes() throws Exception {
        Path data = dir.resolve("node1");
        startNodeOne(data).close();
        CliRun.of("server", "--id", "2", "--cluster", "1=127.0.0.1:1,2=127.0.0.1:0", "--data", data.toString()).assertOneLineError(
            Cli.FAILURE, "data directory " + data + " belongs to node 1 of cluster id 0, not to node 2");
        CliRun.of("server", "--id", "1", "--cluster", "1=127.0.0.1:0", "--cluster-id", "7", "--data", data.toString()).assertOneLineError(
            Cli.FAILURE, "not to node 1 of cluster id 7");
        CliRun.of("server", "--id", "1", "--cluster", "1=127.0.0.1:0,2=127.0.0.1:1", "--data", data.toString()).assertOneLineError(
            Cli.FAILURE, "data directory " + data + " belongs to a cluster of members 1, and this start names members 1,2");
        Files.writeString(data.resolve(NodeIdentity.FILE_NAME), "node-id=one\n");
        CliRun.of("server", "--id", "1", "--cluster", "1=127.0.0.1:0", "--data", data.toString()).assertOneLineError(
            Cli.FAILURE, "node-identity is damaged: 'node-id' is 'one'");
    }

    /** Chronicle's refusal of such a file names none: the node failed with "raftlog server: Unexpected magic number 62726167". */
    @Test
    void aJournalFileThatIsNotAQueueFileIsAFailureNamingTheFile() throws Exception {
        Path data = dir.resolve("node1");
        JournalCommandTest.writeJournal(data);
        Path cycle = JournalCommandTest.garbleCycleFile(NodeStorage.journalDir(data));
        CliRun.of("server", "--id", "1", "--cluster", "1=127.0.0.1:0", "--data", data.toString()).assertOneLineError(
            Cli.FAILURE, "journal file " + cycle + " is damaged: it does not start with a queue file's header", "refusing to open");
    }

    @Test
    void aHardStateFileLostBesideAJournalOfLaterTermsIsRefusedNamingIt() throws Exception {
        Path data = dir.resolve("node1");
        try (RaftServer s = startNodeOne(data)) {
            Await.until("the single node leads and writes its no-op", Duration.ofSeconds(20),
                () -> s.status().lastIndex() >= 1);
        }
        // Term 0 (a new node's) beside entries of term 1: it could vote again in a term it voted in.
        Files.delete(NodeStorage.hardStateFile(data));
        CliRun.of("server", "--id", "1", "--cluster", "1=127.0.0.1:0", "--data", data.toString()).assertOneLineError(
            Cli.FAILURE, "hard state " + NodeStorage.hardStateFile(data) + " says term 0 but the journal holds entries of term");
    }

    @Test
    void anIdentityFromBeforeMembersWereKeptGetsThemAndChecksThemFromThen() throws Exception {
        Path data = dir.resolve("node1");
        startNodeOne(data).close();
        Path identity = data.resolve(NodeIdentity.FILE_NAME);
        Files.writeString(identity, "node-id=1\ncluster-id=0\n");
        startNodeOne(data).close();
        assertThat(Files.readString(identity)).contains("members=1\n");
        CliRun.of("server", "--id", "1", "--cluster", "1=127.0.0.1:0,3=127.0.0.1:1", "--data", data.toString()).assertOneLineError(
            Cli.FAILURE, "belongs to a cluster of members 1, and this start names members 1,3");
    }

    @Test
    void anUncreatableOrBusyDataDirectoryIsAFailureNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        CliRun.of("server", "--id", "1", "--cluster", "1=127.0.0.1:0", "--data", file.resolve("sub").toString()).assertOneLineError(
            Cli.FAILURE, "cannot create data directory");
        // said "cannot create data directory F: F", the whole message of a FileAlreadyExistsException
        CliRun.of("server", "--id", "1", "--cluster", "1=127.0.0.1:0", "--data", file.toString()).assertOneLineError(
            Cli.FAILURE, "cannot create data directory " + file + ": it exists and is not a directory");

        Path data = dir.resolve("busy");
        try (RaftServer running = startNodeOne(data)) {
            CliRun.of("server", "--id", "1", "--cluster", "1=127.0.0.1:0", "--data", data.toString()).assertOneLineError(
                Cli.FAILURE, "raftlog server: data directory " + data + " is in use by another raftlog node");
        }
    }
}
