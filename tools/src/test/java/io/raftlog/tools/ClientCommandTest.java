package io.raftlog.tools;

import io.raftlog.net.codec.Protocol;

import org.junit.jupiter.api.Test;

/**
 * The client commands ({@code status}, {@code produce}, {@code tail}) refuse bad settings with one line naming
 * the flag, exit 2, before they connect anywhere (in-process; the address is never dialled).
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
}
