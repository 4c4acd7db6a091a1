package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** {@code raftlog bench} refuses bad node settings with one line, before it starts any node. */
class BenchCommandTest {

    private static String runExpectingUsageError(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run(args)).isEqualTo(Cli.USAGE);
        } finally {
            System.setErr(saved);
        }
        String err = buf.toString(StandardCharsets.UTF_8);
        assertThat(err).doesNotContain("\tat ");
        return err.lines().findFirst().orElse("");
    }

    @Test
    void aBadThreadingOrAWaitStrategyThatSharedThreadingIgnoresIsAUsageError() {
        assertThat(runExpectingUsageError("bench", "--workload", "W2", "--threading", "pooled"))
            .startsWith("raftlog bench").contains("unknown threading 'pooled': expected dedicated or shared");
        assertThat(runExpectingUsageError("bench", "--workload", "W2", "--wait-strategy", "phased"))
            .startsWith("raftlog bench").contains("wait strategy 'phased' applies only to dedicated threading");
    }
}
