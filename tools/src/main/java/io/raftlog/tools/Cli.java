package io.raftlog.tools;

import io.raftlog.journal.FileErrors;

import picocli.CommandLine;

/**
 * How every raftlog command reports problems: a usage error is one line and exit 2, a failure is one line
 * and exit 1, a stack trace only with {@code --verbose} (or RAFTLOG_VERBOSE=1).
 */
public final class Cli {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    private Cli() {
    }

    public static CommandLine newCommandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        inheritVersion(cl, cl.getCommandSpec().version());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("raftlog: " + ex.getMessage());
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            // "raftlog journal verify: ...", not "raftlog verify: ...": the command as it was typed
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + describe(ex));
            if (verbose(parseResult)) {
                ex.printStackTrace(cmd.getErr());
            }
            return ex instanceof IllegalArgumentException ? USAGE : FAILURE;
        });
        return cl;
    }

    /**
     * A command that only groups others ({@code raftlog}, {@code raftlog journal}) run without one: its usage, under
     * its whole name, on stderr, and exit 2 like any usage error. It printed "Usage: journal ..." and exited 0.
     */
    static int missingSubcommand(CommandLine.Model.CommandSpec spec) {
        CommandLine cl = spec.commandLine();
        cl.getErr().println("raftlog: " + spec.qualifiedName() + " needs a command");
        cl.usage(cl.getErr());
        return USAGE;
    }

    /** Only the root command names a version: `raftlog tail --version` printed an empty line. */
    private static void inheritVersion(CommandLine cl, String[] version) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().version().length == 0) {
                sub.getCommandSpec().version(version);
            }
            inheritVersion(sub, version);
        }
    }

    /**
     * Sets how much of Chronicle Queue's logging a command shows (slf4j-simple's level for net.openhft), unless
     * the user chose (-Dorg.slf4j.simpleLogger.log.net.openhft=...). Call before Chronicle is first used.
     */
    static void chronicleLogLevel(String level) {
        setIfAbsent("org.slf4j.simpleLogger.log.net.openhft", level);
    }

    static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    static String describe(Throwable ex) {
        Throwable t = ex;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        if (t instanceof java.nio.file.FileSystemException f) {
            return FileErrors.describe(f); // its message is only the path
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    private static boolean verbose(CommandLine.ParseResult parseResult) {
        if ("1".equals(System.getenv("RAFTLOG_VERBOSE"))) {
            return true;
        }
        for (CommandLine.ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
            if (pr.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
