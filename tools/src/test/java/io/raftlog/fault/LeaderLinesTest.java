package io.raftlog.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaderLinesTest {

    @Test
    void findsEveryLeaderLineAndNothingElse(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("node-1.log"), String.join("\n",
            "---- fault suite 12:00:00: start #1 of node 1: java -jar raftlog.jar server --id 1",
            "12:00:01.100 [raft-1] INFO io.raftlog.pipeline.RaftDriver - node 1 is CANDIDATE in term 3, leader unknown",
            "12:00:01.200 [raft-1] INFO io.raftlog.pipeline.RaftDriver - node 1 is LEADER in term 3, leader 1",
            "12:00:02.000 [raft-1] INFO io.raftlog.pipeline.RaftDriver - node 1 is FOLLOWER in term 4, leader 2",
            "12:00:03.000 [raft-1] INFO io.raftlog.pipeline.RaftDriver - node 1 is LEADER in term 1", // cut by a kill: "1" of "12"?
            "12:00:04.000 [raft-1] INFO io.raftlog.pipeline.RaftDriver - node 1 is LEADER in term 12, leader 1"));
        assertThat(LeaderLines.read(log)).containsExactly(new History.LoggedLeader(1, 3), new History.LoggedLeader(1, 12));
    }

    @Test
    void twoNodesLeadingOneTermFailTheCheck() {
        History h = new History();
        h.meta.put("leaders.source", "node-logs");
        LeaderLines.parse(List.of("10:00:00.000 [raft-1] INFO io.raftlog.pipeline.RaftDriver - node 1 is LEADER in term 7, leader 1"))
            .forEach(h::ledTerm);
        LeaderLines.parse(List.of("10:00:00.050 [raft-3] INFO io.raftlog.pipeline.RaftDriver - node 3 is LEADER in term 7, leader 3"))
            .forEach(h::ledTerm);
        Checker.Verdict v = new Checker(h).oneLeaderPerTerm();
        assertThat(v.violations()).singleElement().asString().contains("term 7").contains("[1, 3]");
    }
}
