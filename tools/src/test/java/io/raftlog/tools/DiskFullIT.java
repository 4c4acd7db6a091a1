package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.raftlog.journal.SmallFileSystem;
import io.raftlog.net.client.NodeStatus;
import io.raftlog.pipeline.Await;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node of three keeps its journal on a disk that fills up (a size-limited tmpfs, so it needs the right to
 * mount one): that node halts and exits naming the full disk, the other two go on committing every append, and
 * once there is room again the node restarts (cutting back the torn end of its journal, if the fault left one)
 * and catches up.
 */
class DiskFullIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int SMALL_NODE = 3;

    @TempDir
    Path dir;

    @Test
    void aNodeWhoseDiskFillsExitsNamingItAndCatchesUpOnceThereIsRoom() throws Exception {
        Path smallDataDir = Files.createDirectories(dir.resolve("node-" + SMALL_NODE));
        // 160 MiB: the two 32 MiB tail files, and about 90 MiB of cycle file, some 650,000 entries of 128 bytes.
        SmallFileSystem fs = SmallFileSystem.mount(smallDataDir, 160);
        Assumptions.assumeTrue(fs != null, "needs Linux and the right to mount a tmpfs");
        try (fs; LocalCluster c = LocalCluster.start(RaftlogProcess.jar(), dir, false, 3, List.of());
             ClusterWatch w = new ClusterWatch(c.addresses(), 0)) {
            assertThat(c.dataDir(SMALL_NODE)).isEqualTo(smallDataDir);
            int count = 1_500_000;
            RaftlogProcess produce = RaftlogProcess.run(300, "produce", "--cluster", c.clientCluster(), "--count",
                Integer.toString(count), "--size", "128", "--timeout", "60s");
            assertThat(produce.exitCode()).as("produce: %s", produce.err()).isEqualTo(Cli.OK);
            assertThat(produce.err()).anyMatch(l -> l.startsWith("produced " + count + " of " + count + " entries"));

            Await.until("node " + SMALL_NODE + " exits", WAIT, () -> !c.isAlive(SMALL_NODE));
            // A document large enough is written with pwrite, which reports ENOSPC itself; a smaller one is copied
            // through the map, where the full disk shows as a fault that the node explains.
            String log = String.join("\n", Files.readAllLines(c.logFile(SMALL_NODE)));
            assertThat(log).contains("halted after an internal failure: ");
            assertThat(log).containsAnyOf("No space left on device", "most likely because the disk is full");
            boolean othersHoldAll = w.awaitStatus(all -> all.stream().filter(NodeStatus::reachable)
                .filter(s -> s.commitIndex() >= count).count() == 2, WAIT);
            assertThat(othersHoldAll).as("the two other nodes commit every append: %s", w.latest()).isTrue();

            fs.resize(512);
            c.start(SMALL_NODE);
            boolean caughtUp = w.awaitStatus(all -> all.size() == 3 && all.stream().allMatch(NodeStatus::reachable)
                && all.stream().map(NodeStatus::lastIndex).distinct().count() == 1
                && all.stream().allMatch(s -> s.commitIndex() == s.lastIndex() && s.durableIndex() == s.lastIndex()), WAIT);
            // Durable too: a node that appends what the leader sends but cannot make it durable shows the same
            // last and commit index (it learns commits from the leader) and never acknowledges anything.
            assertThat(caughtUp).as("the node catches up once there is room: %s; its log:%n%s", w.latest(),
                c.tailOfLog(SMALL_NODE, 80)).isTrue();
            c.stopAll();
        }
    }
}
