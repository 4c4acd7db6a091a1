package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import picocli.CommandLine;

/** One {@code raftlog} command run in this JVM, with what it printed on standard output and error. */
record CliRun(int status, String out, String err) {

    static CliRun of(String... args) {
        return with(cl -> { }, args);
    }

    /** As {@link #of}, after {@code prepare} has set up the command line (a subcommand's fields, say). */
    static CliRun with(Consumer<CommandLine> prepare, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine cl = Cli.newCommandLine(new Main()).setOut(new PrintWriter(System.out, true))
                .setErr(new PrintWriter(System.err, true));
            prepare.accept(cl);
            int status = cl.execute(args);
            return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** The run ended with {@code status} and one error line starting "raftlog" that names every fragment. */
    void assertOneLineError(int expectedStatus, String... fragments) {
        assertThat(status).as(err).isEqualTo(expectedStatus);
        String firstLine = err.lines().findFirst().orElse("");
        assertThat(firstLine).startsWith("raftlog");
        for (String f : fragments) {
            assertThat(firstLine).contains(f);
        }
        assertThat(err).doesNotContain("\tat ");
    }
}
