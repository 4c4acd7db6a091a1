package io.raftlog.tools;

import io.raftlog.net.client.LogClient;
import io.raftlog.net.client.LogClientException;
import io.raftlog.net.client.NodeStatus;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code raftlog status}: asks every node at once and prints one row per node (a node that refuses or does
 * not answer within --timeout is shown as unreachable, with why), and under the leader each follower's
 * matchIndex, lag and how long ago it last answered. Exits 1 only when no node answered.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show the state of each node given.",
        "Its id, address, role, term, leader, commit, first and last index; on the leader, each follower's"
            + " matchIndex and lag, and how long ago the leader last heard from it (a follower that stopped keeps"
            + " its last matchIndex, and that time grows).",
        "Nodes that refuse or do not answer in time are shown as unreachable."})
public final class StatusCommand implements Callable<Integer> {

    enum Format { table, json }

    @Mixin
    ClusterOption cluster;

    @Option(names = "--format", defaultValue = "table", paramLabel = "table|json",
        description = "table, or one JSON object per node per line (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--timeout", defaultValue = "2s", paramLabel = "TIME",
        description = "how long to wait for each node (default: ${DEFAULT-VALUE})")
    String timeout;

    @Override
    public Integer call() {
        Duration wait = ClusterOption.timeout(timeout);
        List<NodeStatus> nodes;
        try (LogClient client = cluster.client().connectTimeout(wait).build()) {
            nodes = client.status();
        }
        PrintStream out = System.out;
        if (format == Format.json) {
            for (NodeStatus s : nodes) {
                out.println(json(s));
            }
        } else {
            out.print(table(nodes));
        }
        out.flush();
        if (nodes.stream().noneMatch(NodeStatus::reachable)) {
            throw new LogClientException("no node of " + cluster.cluster + " gave its status (each one's line above says why)");
        }
        return Cli.OK;
    }

    static String table(List<NodeStatus> nodes) {
        StringBuilder sb = new StringBuilder();
        String row = "%-4s %-21s %-13s %6s %6s %10s %10s %10s%n";
        sb.append(String.format(Locale.ROOT, row, "ID", "ADDRESS", "ROLE", "TERM", "LEADER", "COMMIT", "FIRST", "LAST"));
        for (NodeStatus s : nodes) {
            if (!s.reachable()) {
                sb.append(String.format(Locale.ROOT, "%-4s %-21s unreachable: %s%n", "-", s.address(), s.error()));
                continue;
            }
            sb.append(String.format(Locale.ROOT, row, s.nodeId(), s.address(), s.role(), s.term(),
                s.leaderId() == 0 ? "-" : Integer.toString(s.leaderId()), s.commitIndex(), s.firstIndex(), s.lastIndex()));
            for (NodeStatus.Peer p : s.peers()) {
                sb.append(String.format(Locale.ROOT, "     follower %d: match %d, lag %d, last heard %d ms ago%n", p.nodeId(),
                    p.matchIndex(), Math.max(0, s.lastIndex() - p.matchIndex()), p.millisSinceHeard()));
            }
        }
        return sb.toString();
    }

    static String json(NodeStatus s) {
        if (!s.reachable()) {
            return "{\"address\":" + Json.quote(s.address().toString()) + ",\"reachable\":false,\"error\":"
                + Json.quote(s.error()) + "}";
        }
        StringBuilder peers = new StringBuilder("[");
        for (NodeStatus.Peer p : s.peers()) {
            if (peers.length() > 1) {
                peers.append(',');
            }
            peers.append("{\"id\":").append(p.nodeId()).append(",\"matchIndex\":").append(p.matchIndex())
                .append(",\"lag\":").append(Math.max(0, s.lastIndex() - p.matchIndex()))
                .append(",\"millisSinceHeard\":").append(p.millisSinceHeard()).append('}');
        }
        peers.append(']');
        return "{\"address\":" + Json.quote(s.address().toString()) + ",\"reachable\":true,\"id\":" + s.nodeId()
            + ",\"role\":" + Json.quote(s.role()) + ",\"term\":" + s.term() + ",\"leader\":" + s.leaderId()
            + ",\"commitIndex\":" + s.commitIndex() + ",\"firstIndex\":" + s.firstIndex() + ",\"lastIndex\":"
            + s.lastIndex() + ",\"durableIndex\":" + s.durableIndex() + ",\"peers\":" + peers + "}";
    }
}
