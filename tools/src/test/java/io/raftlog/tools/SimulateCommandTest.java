package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SimulateCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Cli.newCommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void printsOneSummaryLineAndSucceedsWithoutViolations() {
        int status = run("simulate", "--seeds", "3", "--seed-start", "10", "--nodes", "3", "--steps", "300");
        assertThat(status).isEqualTo(Cli.OK);
        assertThat(out.toString().lines()).hasSize(1).first().asString()
            .matches("simulated 3 seeds, \\d+ steps, \\d+ faults \\(\\d+ crashes, .*\\), \\d+ commits, 0 violations");
    }

    @Test
    void rejectsAnUnsupportedClusterSizeWithAUsageError() {
        int status = run("simulate", "--seeds", "1", "--nodes", "4");
        assertThat(status).isEqualTo(Cli.USAGE);
        assertThat(err.toString()).contains("--nodes must be 1, 3 or 5, got 4");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void requiresTheNumberOfSeeds() {
        assertThat(run("simulate")).isEqualTo(Cli.USAGE);
        assertThat(err.toString()).contains("--seeds");
    }
}
