package io.raftlog.tools;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The raftlog command line. Exit status: 0 ok, 1 failure, 2 usage error. */
@Command(name = "raftlog", mixinStandardHelpOptions = true, version = "raftlog 0.1.0",
    description = "A replicated log on Raft: run a node, produce, tail, inspect, benchmark.",
    subcommands = {
        CommandLine.HelpCommand.class,
        ProduceCommand.class,
        TailCommand.class,
        StatusCommand.class,
        ServerCommand.class,
        BenchCommand.class,
        DemoCommand.class,
        SimulateCommand.class,
        JournalCommand.class,
    })
public final class Main implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Every command takes it, subcommands included (inherited); {@link Cli} prints stack traces only then. */
    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "print the stack trace of an error")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit status (for tests that call it in-process). */
    public static int run(String... args) {
        return Cli.newCommandLine(new Main()).execute(args);
    }

    @Override
    public Integer call() {
        return Cli.missingSubcommand(spec);
    }
}
