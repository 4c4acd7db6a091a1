package io.raftlog.net.example;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.raftlog.journal.FsyncPolicy;
import io.raftlog.net.client.LogClient;
import io.raftlog.net.client.LogEntry;
import io.raftlog.net.client.TailIterator;
import io.raftlog.net.client.TailSubscription;
import io.raftlog.net.server.LoopbackPorts;
import io.raftlog.net.server.RaftServer;
import io.raftlog.net.server.ServerConfig;
import io.raftlog.pipeline.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client example of README.md ("The Java client"), run against a real 3-node cluster: the README's code
 * is {@link #example}, word for word but for the addresses, the printing, the deadlines on the futures and the
 * line that hands the first index to the test, so that it stays true.
 */
class JavaClientExampleTest {
    @TempDir
    Path dir;
    private final List<RaftServer> servers = new ArrayList<>();
    private final List<String> printed = new CopyOnWriteArrayList<>();
    private long hello;
    private long world;
    private long bang;

    @AfterEach
    void stop() {
        servers.forEach(RaftServer::close);
    }

    @Test
    void theReadmeExampleAppendsReadsAndFollows() throws Exception {
        Map<Integer, InetSocketAddress> cluster = LoopbackPorts.members(3);
        for (int id : cluster.keySet()) {
            servers.add(RaftServer.start(ServerConfig.builder().nodeId(id).cluster(cluster).dataDir(dir.resolve("node-" + id))
                .fsync(FsyncPolicy.BATCH).build()));
        }
        String addresses = cluster.values().stream().map(ServerConfig::hostPort).collect(Collectors.joining(","));
        example(addresses);
        // Indexes as the appends returned them (a leader change between two appends puts its internal no-op,
        // which readers never see, between them).
        assertThat(printed).containsExactly("read " + hello + " hello", "read " + world + " world",
            "followed " + world + " world", "followed " + bang + " !");
    }

    private void example(String addresses) throws Exception {
        try (LogClient client = LogClient.builder(addresses).build()) {
            // Appends: each future completes with the entry's index once a majority holds it durably.
            long hello = client.append("hello".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
            this.hello = hello;
            long world = client.append("world".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
            this.world = world;

            // Read the committed log from an index to its end...
            try (TailIterator entries = client.read(hello)) {
                while (entries.hasNext()) {
                    LogEntry e = entries.next();
                    print("read " + e.index() + " " + new String(e.payload(), UTF_8));
                }
            }

            // ...or follow it from an index, on the subscription's own thread, until closed.
            try (TailSubscription tail = client.tail(world, (index, buffer, offset, length) ->
                    print("followed " + index + " " + buffer.getStringWithoutLengthUtf8(offset, length)))) {
                long last = client.append("!".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
                this.bang = last;
                Await.until("the tail passes index " + last, Duration.ofSeconds(30), () -> tail.nextIndex() > last);
            }
        }
    }

    private void print(String line) {
        printed.add(line);
    }
}
