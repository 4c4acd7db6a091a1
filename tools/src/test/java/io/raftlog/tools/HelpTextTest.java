package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import picocli.CommandLine;

/**
 * Every command's --help renders cleanly. A lone '%' in a description is a format specifier to picocli,
 * which then prints a warning instead of the text a user asked for (found in {@code bench --help}).
 */
class HelpTextTest {

    static Stream<List<String>> commandPaths() {
        List<List<String>> paths = new ArrayList<>();
        collect(Cli.newCommandLine(new Main()), new ArrayList<>(), paths);
        return paths.stream();
    }

    private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        cl.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().name().equals(name) && !name.equals("help")) {
                List<String> next = new ArrayList<>(path);
                next.add(name);
                collect(sub, next, out);
            }
        });
    }

    @ParameterizedTest(name = "raftlog {0} --help")
    @MethodSource("commandPaths")
    void helpPrintsUsageWithoutPicocliWarnings(List<String> path) {
        List<String> args = new ArrayList<>(path);
        args.add("--help");
        CliRun run = CliRun.of(args.toArray(String[]::new));

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("Usage: raftlog");
        assertThat(run.err()).as("stderr of %s", args).doesNotContain("picocli WARN").isEmpty();
        assertThat(run.out()).doesNotContain("%n");
    }

    /** Only the root command had a version: {@code raftlog tail --version} printed an empty line. */
    @ParameterizedTest(name = "raftlog {0} --version")
    @MethodSource("commandPaths")
    void everyCommandPrintsTheVersion(List<String> path) {
        List<String> args = new ArrayList<>(path);
        args.add("--version");
        CliRun run = CliRun.of(args.toArray(String[]::new));

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(CliRun.of("--version").out()).startsWith("raftlog ").matches("(?s)raftlog \\d.*\n");
    }

    /** {@code raftlog journal} alone printed "Usage: journal ..." (not the whole name) and exited 0. */
    @org.junit.jupiter.api.Test
    void aGroupOfCommandsRunAloneIsAUsageErrorShowingItsWholeName() {
        CliRun journal = CliRun.of("journal");
        journal.assertOneLineError(Cli.USAGE, "raftlog journal needs a command");
        assertThat(journal.err()).contains("Usage: raftlog journal [").contains("verify").contains("dump");
        CliRun root = CliRun.of();
        root.assertOneLineError(Cli.USAGE, "raftlog needs a command");
        assertThat(root.err()).contains("Usage: raftlog [").contains("produce");
    }

    /**
     * README promises --verbose on every command; journal verify/dump and bench cpu/disk refused it as an unknown
     * option. With --help after it nothing runs, and required options are not asked for.
     */
    @ParameterizedTest(name = "raftlog {0} --verbose")
    @MethodSource("commandPaths")
    void everyCommandTakesVerbose(List<String> path) {
        List<String> args = new ArrayList<>(path);
        args.add("--verbose");
        args.add("--help");
        CliRun run = CliRun.of(args.toArray(String[]::new));

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("--verbose");
    }

    /**
     * picocli starts each element of an option's description array on a new line of the narrow description
     * column, so a sentence split across elements prints as ragged fragments (found in {@code bench --help}).
     */
    @ParameterizedTest(name = "raftlog {0}: option descriptions are one paragraph each")
    @MethodSource("commandPaths")
    void everyOptionDescriptionIsOneParagraph(List<String> path) {
        CommandLine cl = Cli.newCommandLine(new Main());
        for (String name : path) {
            cl = cl.getSubcommands().get(name);
        }
        for (CommandLine.Model.OptionSpec option : cl.getCommandSpec().options()) {
            assertThat(option.description()).as("description of %s in %s", option.longestName(), path).hasSizeLessThanOrEqualTo(1);
        }
    }
}
