package io.raftlog.tools;

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
}
