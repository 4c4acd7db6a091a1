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
 * The leaders a server's own log names: every role change is logged at INFO by RaftDriver ("node 2 is
 * LEADER in term 5, leader 2"), so unlike the 100 ms status polls these lines miss no leadership, however
 * short.
 *
 * <p>Complete up to a kill -9: slf4j-simple prints and flushes each line to stderr, which the suite redirects
 * straight into node-N.log (no pipe, no buffer of the test JVM). A kill between the role change and its
 * line loses the line, which can only hide a leader, never invent one. A line cut short cannot invent one
 * either: the pattern requires what follows the term.
 */
final class LeaderLines {
    private static final Pattern LEADER = Pattern.compile("\\bnode (\\d+) is LEADER in term (\\d+), leader ");

    private LeaderLines() {
    }

    /** Each line naming its node leader, as (node, term), in file order. */
    static List<History.LoggedLeader> parse(List<String> lines) {
        List<History.LoggedLeader> out = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LEADER.matcher(line);
            if (m.find()) {
                out.add(new History.LoggedLeader(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2))));
            }
        }
        return out;
    }

    static List<History.LoggedLeader> read(Path logFile) throws IOException {
        // A line torn by a kill may hold invalid UTF-8: decode leniently rather than fail on it.
        return parse(new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).lines().toList());
    }
}
