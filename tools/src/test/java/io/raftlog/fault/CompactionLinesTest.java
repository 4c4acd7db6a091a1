package io.raftlog.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftlog.fault.History.Compaction;
import io.raftlog.fault.History.Compaction.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionLinesTest {

    @Test
    void findsEveryStartDropAndSnapshotInstallAndNothingCutShort(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("node-2.log"), String.join("\n",
            "---- fault suite 12:00:00: start #1 of node 2: java -jar raftlog.jar server --id 2",
            "12:00:00.900 [main] INFO io.raftlog.pipeline.RaftDriver - node 2 starting: term 0, voted for 0, log [1, 0], 0 client sessions from the last 0 entries",
            "12:00:05.000 [raft-2] INFO io.raftlog.journal.ChronicleJournal - journal /tmp/x/node-2/journal: retention drops the log [1, 523] (whole files)",
            // once the drop is done: not read (a kill before it would hide the drop)
            "12:00:05.001 [raft-2] INFO io.raftlog.pipeline.RaftDriver - node 2: retention dropped entries 1 to 523 (Retention[maxAgeMillis=3000, maxBytes=0])",
            "12:00:06.000 [raft-2] INFO io.raftlog.journal.ChronicleJournal - journal /tmp/x/node-2/journal: retention drops the log [524, 60", // cut by a kill
            "---- fault suite 12:00:09: start #2 of node 2: java -jar raftlog.jar server --id 2",
            "12:00:09.500 [main] INFO io.raftlog.pipeline.RaftDriver - node 2 starting: term 4, voted for 1, log [524, 700], 3 client sessions from the last 177 entries",
            "12:00:10.000 [raft-2] INFO io.raftlog.journal.ChronicleJournal - journal /tmp/x/node-2/journal: a leader's snapshot through index 1400 (term 5) "
                + "replaces the log [524, 700]"));
        assertThat(CompactionLines.read(2, log)).containsExactly(
            new Compaction(2, Kind.START, 1, 0),
            new Compaction(2, Kind.RETENTION, 1, 523),
            new Compaction(2, Kind.START, 524, 523),
            new Compaction(2, Kind.SNAPSHOT, 524, 1400));
    }

    @Test
    void findsTheSnapshotsALeaderSentAndNothingCutShort() {
        List<String> lines = List.of(
            "12:00:10.000 [raft-1] INFO io.raftlog.pipeline.RaftDriver - node 1 sends node 3 a snapshot through index 1400 (term 5): "
                + "the entries it needs are compacted here",
            "12:00:11.000 [raft-1] INFO io.raftlog.pipeline.RaftDriver - node 1 sends node 2 a snapshot through index 2100 (term 5): "
                + "the entries it needs are compacted here",
            "12:00:12.000 [raft-1] INFO io.raftlog.pipeline.RaftDriver - node 1 sends node 3 a snapshot through index 29"); // cut by a kill
        assertThat(CompactionLines.snapshotsSent(1, lines)).containsExactly(
            new History.SnapshotSent(1, 3, 1400), new History.SnapshotSent(1, 2, 2100));
        assertThat(CompactionLines.parse(1, lines)).as("no first index moves").isEmpty();
        assertThatThrownBy(() -> CompactionLines.snapshotsSent(2, lines)).hasMessageContaining("node 2's log has a line of node 1");
    }

    @Test
    void aLineOfAnotherNodeIsRefused() {
        assertThatThrownBy(() -> CompactionLines.parse(1, List.of("node 3 starting: term 0, voted for 0, log [1, 0], 0 client sessions")))
            .hasMessageContaining("node 1's log has a line of node 3");
    }

    @Test
    void theReportCountsDropsAndInstallsPerNodeAndSaysWhenNoSnapshotWasInstalled() {
        History h = new History();
        h.meta.put("retention", "3s");
        h.meta.put("compactions.source", "node-logs");
        h.log(new History.NodeLog(1, 10, 6, List.of()));
        h.log(new History.NodeLog(2, 10, 1, List.of()));
        h.compacted(new Compaction(1, Kind.RETENTION, 1, 3));
        h.compacted(new Compaction(1, Kind.RETENTION, 4, 5));
        String none = CompactionSummary.render(h);
        assertThat(none).contains("node 1: retention dropped 5 entries in 2 drops; 0 snapshots installed; 0 sent; journal at the end starts at 6")
            .contains("node 2: retention dropped 0 entries in 0 drops").contains("snapshots installed: 0 (retention caused no snapshot in this run)");
        h.compacted(new Compaction(2, Kind.SNAPSHOT, 1, 7));
        h.snapshotSent(new History.SnapshotSent(1, 2, 7));
        h.skipped(1, 5, 1, 3);
        assertThat(CompactionSummary.render(h)).contains("node 2: retention dropped 0 entries in 0 drops; 1 snapshots installed (through [7]); 0 sent")
            .contains("node 1: retention dropped 5 entries in 2 drops; 0 snapshots installed; 1 sent;")
            .contains("snapshots installed: 1; snapshots sent: 1 (").contains("consumer 1 was told 3 entries were dropped before it read them: 1..3");
        assertThat(CompactionSummary.render(new History())).contains("Retention: off");
    }
}
