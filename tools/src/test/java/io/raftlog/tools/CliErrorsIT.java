package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

/** Bad flags and an unreachable cluster: one-line errors naming the problem, exit 2 for usage, 1 for failure. */
class CliErrorsIT {

    /** A loopback port nobody listens on. */
    private static String closedAddress() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    private static void assertOneLineError(RaftlogProcess p, String command, String... fragments) {
        assertThat(p.err()).isNotEmpty();
        String first = p.err().get(0);
        assertThat(first).startsWith("raftlog");
        for (String f : fragments) {
            assertThat(first).contains(f);
        }
        assertThat(String.join("\n", p.err())).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(p.err().size()).as("stderr of %s: %s", command, p.err()).isLessThanOrEqualTo(2);
    }

    @Test
    void unknownFlagIsAUsageError() throws Exception {
        RaftlogProcess p = RaftlogProcess.run(30, "produce", "--cluster", "127.0.0.1:1", "--bogus");
        assertThat(p.exitCode()).isEqualTo(Cli.USAGE);
        assertOneLineError(p, "produce", "--bogus");
    }

    @Test
    void malformedAddressIsAUsageError() throws Exception {
        RaftlogProcess p = RaftlogProcess.run(30, "tail", "--cluster", "localhost");
        assertThat(p.exitCode()).isEqualTo(Cli.USAGE);
        assertOneLineError(p, "tail", "'localhost' is not HOST:PORT");
    }

    @Test
    void conflictingStartOptionsAreAUsageError() throws Exception {
        RaftlogProcess p = RaftlogProcess.run(30, "tail", "--cluster", "127.0.0.1:1", "--from", "3", "--from-end");
        assertThat(p.exitCode()).isEqualTo(Cli.USAGE);
        assertOneLineError(p, "tail", "mutually exclusive");
    }

    @Test
    void anUnknownCompactionPolicyIsAUsageError() throws Exception {
        RaftlogProcess p = RaftlogProcess.run(30, "tail", "--cluster", "127.0.0.1:1", "--if-compacted", "maybe");
        assertThat(p.exitCode()).isEqualTo(Cli.USAGE);
        assertOneLineError(p, "tail", "--if-compacted", "maybe");
    }

    @Test
    void produceToAnUnreachableClusterFailsNamingTheNodesAndCount() throws Exception {
        String a = closedAddress();
        RaftlogProcess p = RaftlogProcess.run(60, "produce", "--cluster", a, "--count", "3", "--timeout", "1s");
        assertThat(p.exitCode()).isEqualTo(Cli.FAILURE);
        // The summary line comes first, then the one-line error.
        String error = p.err().get(p.err().size() - 1);
        assertThat(error).startsWith("raftlog produce: 3 of 3 entries were not acknowledged: ")
            .contains("no leader among " + a + " within 1s").contains("connection refused");
        assertThat(String.join("\n", p.err())).doesNotContain("\tat ");
    }

    @Test
    void produceStopsAtTheFirstFailedEntryInsteadOfWaitingOutEveryWindow() throws Exception {
        String a = closedAddress();
        RaftlogProcess p = RaftlogProcess.run(60, "produce", "--cluster", a, "--count", "100000", "--timeout", "1s");
        assertThat(p.exitCode()).isEqualTo(Cli.FAILURE);
        assertThat(p.err().get(p.err().size() - 1))
            .startsWith("raftlog produce: 100000 of 100000 entries were not acknowledged (")
            .contains("never sent: stopped at the first failure").contains("no leader among " + a);
    }

    @Test
    void tailOfAnUnreachableClusterFails() throws Exception {
        String a = closedAddress();
        RaftlogProcess p = RaftlogProcess.run(60, "tail", "--cluster", a, "--follow", "--timeout", "1s");
        assertThat(p.exitCode()).isEqualTo(Cli.FAILURE);
        assertOneLineError(p, "tail", "no node among " + a, "connection refused");
    }

    @Test
    void statusShowsUnreachableNodesAndFailsWhenNoneAnswers() throws Exception {
        String a = closedAddress();
        RaftlogProcess p = RaftlogProcess.run(60, "status", "--cluster", a, "--timeout", "1s");
        assertThat(p.exitCode()).isEqualTo(Cli.FAILURE);
        assertThat(String.join("\n", p.out())).contains(a).contains("unreachable: connection refused");
        assertOneLineError(p, "status", "no node of " + a + " gave its status");
    }

    @Test
    void benchAgainstAnUnreachableClusterFailsAtOnceNamingTheNodes() throws Exception {
        String a = closedAddress();
        RaftlogProcess p = RaftlogProcess.run(60, "bench", "--cluster", a, "--warmup", "0s", "--duration", "30s");
        assertThat(p.exitCode()).isEqualTo(Cli.FAILURE);
        assertOneLineError(p, "bench", "no node of " + a + " answered", a + ": connection refused");
        assertThat(String.join("\n", p.out())).as("no load was generated").doesNotContain("committed/s");
    }
}
