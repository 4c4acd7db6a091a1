package io.raftlog.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a server's own log says about where its log starts, the lines the suite reads from {@code node-N.log}
 * after a run with retention: the journal's "retention drops the log [1, 523] (whole files)" and "a leader's
 * snapshot through index 900 (term 4) replaces the log [400, 950]" (a follower caught up by snapshot), both
 * logged before the change is durable (a kill may undo either), and RaftDriver's "node 2 starting: ..., log
 * [524, 1200], ..." at every start. (RaftDriver's "retention dropped entries 1 to 523", logged once the drop
 * is done, is not read: a kill between the drop and that line would hide the drop.)
 *
 * <p>Also RaftDriver's "node 1 sends node 3 a snapshot through index 900 (term 4): ..." (once per snapshot and
 * follower, however often it is repeated), read apart from those ({@link #snapshotsSent}): it moves no first
 * index. A snapshot a follower answered by keeping its log leaves no install line. As for {@link LeaderLines},
 * each pattern requires text after its last number, so a line cut by a kill cannot yield a shortened number.
 */
final class CompactionLines {
    private static final Pattern RETENTION = Pattern.compile(": retention drops the log \\[(\\d+), (\\d+)\\] \\(");
    private static final Pattern SNAPSHOT = Pattern.compile("a leader's snapshot through index (\\d+) \\(term \\d+\\) replaces the log \\[(\\d+), ");
    private static final Pattern SENT = Pattern.compile("\\bnode (\\d+) sends node (\\d+) a snapshot through index (\\d+) \\(");
    private static final Pattern START = Pattern.compile("\\bnode (\\d+) starting: term \\d+, voted for \\S+ log \\[(\\d+), ");

    private CompactionLines() {
    }

    /**
     * The lines of node {@code node}'s log that move its first index, in file order. A retention or start line
     * naming another node is an error of the caller (the wrong file), so it is refused.
     */
    static List<History.Compaction> parse(int node, List<String> lines) {
        List<History.Compaction> out = new ArrayList<>();
        for (String line : lines) {
            Matcher m = RETENTION.matcher(line);
            if (m.find()) {
                out.add(new History.Compaction(node, History.Compaction.Kind.RETENTION, Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
                continue;
            }
            m = SNAPSHOT.matcher(line);
            if (m.find()) {
                out.add(new History.Compaction(node, History.Compaction.Kind.SNAPSHOT, Long.parseLong(m.group(2)), Long.parseLong(m.group(1))));
                continue;
            }
            m = START.matcher(line);
            if (m.find()) {
                requireNode(node, Integer.parseInt(m.group(1)), line);
                long first = Long.parseLong(m.group(2));
                out.add(new History.Compaction(node, History.Compaction.Kind.START, first, first - 1));
            }
        }
        return out;
    }

    private static void requireNode(int expected, int named, String line) {
        if (expected != named) {
            throw new IllegalArgumentException("node " + expected + "'s log has a line of node " + named + ": " + line);
        }
    }

    /** The snapshots node {@code node} logged sending, in file order; a line naming another sender is refused. */
    static List<History.SnapshotSent> snapshotsSent(int node, List<String> lines) {
        List<History.SnapshotSent> out = new ArrayList<>();
        for (String line : lines) {
            Matcher m = SENT.matcher(line);
            if (m.find()) {
                requireNode(node, Integer.parseInt(m.group(1)), line);
                out.add(new History.SnapshotSent(node, Integer.parseInt(m.group(2)), Long.parseLong(m.group(3))));
            }
        }
        return out;
    }

    static List<History.Compaction> read(int node, Path logFile) throws IOException {
        return parse(node, lines(logFile));
    }

    static List<History.SnapshotSent> readSnapshotsSent(int node, Path logFile) throws IOException {
        return snapshotsSent(node, lines(logFile));
    }

    private static List<String> lines(Path logFile) throws IOException {
        // A line torn by a kill may hold invalid UTF-8: decode leniently rather than fail on it.
        return new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).lines().toList();
    }
}
