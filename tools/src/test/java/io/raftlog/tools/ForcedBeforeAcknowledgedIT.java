package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlog.net.client.LogClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged means forced on a majority, seen at the system calls. A SIGKILL keeps the page cache, so the
 * crash tests cannot tell a force from none; here three real servers run with a preload library that logs
 * every fsync and fdatasync ({@link ForceLog}), and a client appends one entry at a time. Each
 * acknowledgement must come after successful forces of journal files, begun after the append was sent, on at
 * least two of the three nodes. The same run with {@code --fsync none} must fail that check for every
 * append, which shows the check can fail. In both, before the first acknowledgement at least two nodes forced a
 * new hard state and then its directory: the votes that elected the leader were durable before they counted.
 *
 * <p>What it cannot show: which bytes a force covered. A late force of the previous entry on the slowest node
 * counts, in the next entry's window, as that node's; a server where one follower never forces could pass an
 * append that way, but not every append (then the two others must force each one).
 */
class ForcedBeforeAcknowledgedIT {
    private static final int APPENDS = 100;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void withFsyncBatchEveryAcknowledgementFollowsForcesOnAMajority() throws Exception {
        Run run = run("batch");
        assertThat(run.hardStateForcedBefore(run.firstAckNanos())).as("nodes whose vote was forced before the first acknowledgement").hasSizeGreaterThanOrEqualTo(2);
        assertThat(run.unforced()).as("appends acknowledged without forces on two nodes (sent, acknowledged ns: nodes that forced)")
            .isEmpty();
    }

    @Test
    void withFsyncNoneNoAcknowledgementFollowsForces() throws Exception {
        Run run = run("none");
        // The hard state is forced whatever the journal's --fsync: a vote is a promise for the whole term.
        assertThat(run.hardStateForcedBefore(run.firstAckNanos())).as("nodes whose vote was forced before the first acknowledgement").hasSizeGreaterThanOrEqualTo(2);
        // All of them, as a rule (no journal file is forced with none); a few may share a window with a file
        // sealed at a roll of the journal (at midnight UTC with the default daily files).
        assertThat(run.unforced()).as("appends acknowledged without forces on two nodes").hasSizeGreaterThanOrEqualTo(APPENDS - 5);
    }

    private record Append(long sentNanos, long ackedNanos) {
    }

    private record Run(long firstAckNanos, List<Append> appends, List<ForceLog.Force> forces, List<Path> journals) {
        /**
         * Nodes that, before {@code nanos}, forced a new hard state (term and vote) and then its directory, which
         * makes the rename that installs it durable ({@code DurableFiles.replace}).
         */
        TreeSet<Integer> hardStateForcedBefore(long nanos) {
            TreeSet<Integer> out = new TreeSet<>();
            for (int i = 0; i < journals.size(); i++) {
                Path node = journals.get(i).getParent();
                long fileForced = forces.stream().filter(f -> f.result() == 0 && f.endNanos() < nanos
                    && f.path().equals(node.resolve("hardstate.tmp").toString())).mapToLong(ForceLog.Force::endNanos).min().orElse(Long.MAX_VALUE);
                boolean dirForcedAfter = forces.stream().anyMatch(f -> f.result() == 0 && f.startNanos() > fileForced
                    && f.endNanos() < nanos && f.path().equals(node.toString()));
                if (dirForcedAfter) {
                    out.add(i + 1);
                }
            }
            return out;
        }

        /** The appends not preceded by forces on a majority, each with the nodes that did force in its window. */
        List<String> unforced() {
            List<String> out = new ArrayList<>();
            for (Append a : appends) {
                TreeSet<Integer> nodes = new TreeSet<>();
                for (ForceLog.Force f : forces) {
                    if (f.succeededWithin(a.sentNanos(), a.ackedNanos())) {
                        for (int i = 0; i < journals.size(); i++) {
                            if (Path.of(f.path()).startsWith(journals.get(i))) {
                                nodes.add(i + 1);
                            }
                        }
                    }
                }
                if (nodes.size() < journals.size() / 2 + 1) {
                    out.add(a.sentNanos() + ", " + a.ackedNanos() + ": " + nodes);
                }
            }
            return out;
        }
    }

    private Run run(String fsync) throws Exception {
        Path base = dir.resolve(fsync);
        Path library = ForceLog.buildLibrary(dir);
        Path log = base.resolve("forces.log");
        List<Append> appends = new ArrayList<>();
        List<Path> journals = new ArrayList<>();
        long firstAck;
        try (LocalCluster cluster = LocalCluster.start(RaftlogProcess.jar(), base, false, 3, List.of(), List.of("--fsync", fsync),
                Map.of("LD_PRELOAD", library.toString(), ForceLog.LOG_VARIABLE, log.toString()))) {
            for (int id = 1; id <= cluster.size(); id++) {
                journals.add(cluster.dataDir(id).toRealPath().resolve("journal"));
            }
            try (LogClient client = LogClient.builder(cluster.clientCluster()).timeout(TIMEOUT).build()) {
                // The first append waits for an election; it is not one of the measured ones.
                client.append("first".getBytes(StandardCharsets.UTF_8)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                firstAck = System.nanoTime();
                for (int i = 0; i < APPENDS; i++) {
                    long sent = System.nanoTime();
                    client.append(("entry " + i).getBytes(StandardCharsets.UTF_8)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    appends.add(new Append(sent, System.nanoTime()));
                }
            }
            cluster.stopAll();
        }
        Run run = new Run(firstAck, appends, ForceLog.read(log), journals);
        System.out.printf("--fsync %s: %d forces logged (%d of them on journal files), %d of %d appends acknowledged without forces on two nodes%n",
            fsync, run.forces().size(), run.forces().stream().filter(f -> journals.stream().anyMatch(j -> Path.of(f.path()).startsWith(j))).count(),
            run.unforced().size(), APPENDS);
        return run;
    }
}
