package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.raftlog.net.codec.Protocol;
import io.raftlog.net.server.RaftServer;
import io.raftlog.net.server.ServerConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client commands ({@code status}, {@code produce}, {@code tail}) refuse bad settings with one line naming
 * the flag, exit 2, before they connect anywhere (in-process; the address is never dialled); and how produce
 * ends when its output goes away.
 */
class ClientCommandTest {
    private static final String NOWHERE = "127.0.0.1:1";

    @Test
    void aTimeoutBeyondWhatTheClientCanWaitIsAUsageErrorNamingTheFlag() {
        // 30 days of milliseconds overflowed the int a socket takes: a negative timeout and a stack trace.
        CliRun.of("status", "--cluster", NOWHERE, "--timeout", "30d").assertOneLineError(Cli.USAGE,
            "--timeout must be at most 24d, was '30d'");
        CliRun.of("produce", "--cluster", NOWHERE, "--count", "1", "--timeout", "25d").assertOneLineError(Cli.USAGE,
            "--timeout must be at most 24d");
        CliRun.of("tail", "--cluster", NOWHERE, "--timeout", "999999999999999d").assertOneLineError(Cli.USAGE,
            "--timeout: duration '999999999999999d' is too long");
    }

    /**
     * A space instead of a comma made one host of two addresses ("127.0.0.1:7001 127.0.0.1", taken for IPv6): status
     * then reported one unreachable node, and produce and tail never tried the second.
     */
    @Test
    void addressesSeparatedByOtherThanCommasAreAUsageErrorNamingTheFlagAndTheElement() {
        CliRun.of("status", "--cluster", "127.0.0.1:7001 127.0.0.1:7002").assertOneLineError(Cli.USAGE,
            "--cluster: '127.0.0.1:7001 127.0.0.1:7002' is not HOST:PORT (separate nodes with commas)");
        CliRun.of("produce", "--cluster", NOWHERE + ",127.0.0.1:7001;127.0.0.1:7002", "--count", "1").assertOneLineError(
            Cli.USAGE, "--cluster: '127.0.0.1:7001;127.0.0.1:7002' is not HOST:PORT");
        CliRun.of("tail", "--cluster", "127.0.0.1:7001:7002").assertOneLineError(Cli.USAGE,
            "--cluster: '127.0.0.1:7001:7002' is not HOST:PORT (a host with ':' must be an IPv6 address");
    }

    /** A name that does not resolve was shown as "unreachable: nosuch.invalid", the exception's bare message. */
    @Test
    void aHostThatDoesNotResolveIsSaidToBeUnknown() {
        CliRun run = CliRun.of("status", "--cluster", "nosuch.invalid:7001", "--timeout", "1s");
        assertThat(run.status()).as(run.err()).isEqualTo(Cli.FAILURE);
        assertThat(run.out()).contains("nosuch.invalid:7001").contains("unreachable: unknown host 'nosuch.invalid'");
    }

    @Test
    void aWindowBeyondWhatTheClientKeepsIsAUsageErrorNamingTheFlagAndTheMaximum() {
        CliRun.of("produce", "--cluster", NOWHERE, "--count", "1", "--window", "2000000").assertOneLineError(Cli.USAGE,
            "--window must be from 1 to 1048576, was 2000000");
        assertThat(CliRun.of("produce", "--help").out()).contains("1 to 1048576");
    }

    /** With nothing to read, tail returned before it looked at the addresses: exit 0 and no word. */
    @Test
    void tailWithMaxZeroStillChecksTheAddresses() {
        CliRun.of("tail", "--cluster", "no-port-here", "--max", "0").assertOneLineError(Cli.USAGE,
            "--cluster: 'no-port-here' is not HOST:PORT");
    }

    /**
     * Checked against the largest entry a node accepts before the payload is allocated: 2147483647 was an
     * OutOfMemoryError with a stack trace, and sizes between the node's limit and a frame's were sent only to be
     * refused TOO_LARGE (CliErrorsIT had 5000000 fail in the client after connecting).
     */
    @Test
    void aSizeBeyondTheLargestEntryANodeAcceptsIsAUsageError() {
        for (String size : new String[] {"2147483647", "5000000", "" + (Protocol.MAX_ENTRY_BYTES + 1), "-1"}) {
            CliRun.of("produce", "--cluster", NOWHERE, "--count", "3", "--size", size).assertOneLineError(Cli.USAGE,
                "--size must be from 0 to " + Protocol.MAX_ENTRY_BYTES + " (the largest entry a node accepts), was " + size);
        }
    }

    /**
     * A node of another cluster id refuses the handshake, and asking again changes nothing: tail and produce retried
     * it like a node that is down until --timeout. They now fail once every node given has refused (the generous
     * --timeout, beyond the test's own, shows they did not wait it out).
     */
    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aClusterIdEveryNodeRefusesFailsAtOnceNamingIt(@TempDir Path data) {
        try (RaftServer node = RaftServer.start(ServerConfig.builder().nodeId(1).cluster("1=127.0.0.1:0").clusterId(7)
            .dataDir(data).build())) {
            String address = ServerConfig.hostPort(node.boundAddress());
            CliRun tail = CliRun.of("tail", "--cluster", address, "--cluster-id", "8", "--follow", "--timeout", "60s");
            assertThat(tail.status()).as(tail.err()).isEqualTo(Cli.FAILURE);
            assertThat(commandLines(tail)).singleElement().asString().startsWith("raftlog tail: every node of " + address
                + " refused").contains("cluster id 8 does not match this node's 7");
            CliRun produce = CliRun.of("produce", "--cluster", address, "--cluster-id", "8", "--count", "5", "--timeout", "60s");
            assertThat(produce.status()).as(produce.err()).isEqualTo(Cli.FAILURE);
            assertThat(commandLines(produce)).last().asString().startsWith("raftlog produce: 5 of 5 entries were not acknowledged")
                .contains("refused").contains("cluster id 8 does not match this node's 7");
        }
    }

    /** What the command said on stderr, without the in-process node's log lines (which go there too). */
    private static java.util.List<String> commandLines(CliRun run) {
        return run.err().lines().filter(l -> !l.startsWith("[raftlog-")).toList();
    }

    /**
     * {@code produce --print-index | head -1}: once standard output is closed, produce stops submitting and ends
     * quietly (exit 0, its usual summary), as tail does. It went on producing every entry it was asked for.
     */
    @Test
    void produceStopsSubmittingOnceItsOutputIsClosed(@TempDir Path data) {
        try (RaftServer node = RaftServer.start(ServerConfig.builder().nodeId(1).cluster("1=127.0.0.1:0").dataDir(data).build())) {
            ByteArrayOutputStream taken = new ByteArrayOutputStream();
            OutputStream headOne = new OutputStream() {
                private boolean closed;

                @Override
                public void write(int b) throws IOException {
                    if (closed) {
                        throw new IOException("Broken pipe");
                    }
                    taken.write(b);
                    closed = b == '\n';
                }
            };
            long asked = 200_000;
            CliRun run = CliRun.with(cl -> ((ProduceCommand) cl.getSubcommands().get("produce").getCommand()).out =
                    new PrintStream(headOne, false, StandardCharsets.UTF_8),
                "produce", "--cluster", ServerConfig.hostPort(node.boundAddress()), "--count", "" + asked, "--print-index");

            assertThat(run.status()).as(run.err()).isZero();
            assertThat(taken.toString(StandardCharsets.UTF_8)).matches("\\d+\t\\d{12}[a-z]{116}\n");
            Matcher m = Pattern.compile("^produced (\\d+) of (\\d+) entries").matcher(run.err());
            assertThat(m.find()).as(run.err()).isTrue();
            assertThat(Long.parseLong(m.group(2))).as("entries submitted").isLessThan(asked / 10);
            assertThat(m.group(1)).as("each submitted entry was still awaited").isEqualTo(m.group(2));
        }
    }
}
