package io.raftlog.tools;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.raftlog.journal.JournalInspector;
import io.raftlog.journal.NodeStorage;
import io.raftlog.pipeline.DataEntry;
import io.raftlog.raft.EntryType;
import org.agrona.DirectBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raftlog journal verify|dump}: look at a node's journal on disk with the same checks a node applies
 * at start-up. Read-only, so it can run beside a live node.
 */
@Command(name = "journal", mixinStandardHelpOptions = true,
    description = "Check or list a node's journal on disk (read-only).",
    subcommands = {JournalCommand.Verify.class, JournalCommand.Dump.class})
public final class JournalCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Without verify or dump there is nothing to do: a usage error (see {@link Cli#missingSubcommand}). */
    @Override
    public Integer call() {
        return Cli.missingSubcommand(spec);
    }

    /**
     * The journal inside a node's data directory (or the journal directory itself, if given that). Chronicle's
     * warnings (a roll cycle it guessed from file names, a read-only open without a metadata file) are only
     * noise before the report, which says what is wrong: errors only.
     */
    static Path journalOf(Path data) {
        Cli.chronicleLogLevel("error");
        // A bad argument, exit 2 as the other commands' missing paths (it was 1); a journal found wanting is 1.
        if (!Files.isDirectory(data)) {
            throw new IllegalArgumentException("--data: no such directory: " + data);
        }
        if (!Files.isReadable(data)) {
            throw new IllegalArgumentException("--data: directory " + data + " is not readable");
        }
        Path journal = NodeStorage.journalDir(data);
        return Files.isDirectory(journal) ? journal : data;
    }

    /** The inspector reports a missing or empty journal as a bad argument; for the CLI that is a failure (1). */
    static RuntimeException failure(IllegalArgumentException e) {
        return new IllegalStateException(e.getMessage(), e);
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check a journal and print a summary.",
            "Every record's CRC32C, index continuity and non-decreasing terms. Exit 0 if the journal is sound,",
            "1 if not."})
    static final class Verify implements Callable<Integer> {
        @Option(names = "--data", required = true, paramLabel = "DIR", description = "the node's data directory")
        Path data;

        @Override
        public Integer call() {
            Path dir = journalOf(data);
            JournalInspector.Report report;
            try {
                report = JournalInspector.verify(dir);
            } catch (IllegalArgumentException e) {
                throw failure(e);
            }
            PrintStream out = System.out;
            JournalInspector.printReport(report, dir, out);
            out.flush();
            return report.ok() ? Cli.OK : Cli.FAILURE;
        }
    }

    @Command(name = "dump", mixinStandardHelpOptions = true,
        description = {"Print a journal's entries in index order.",
            "Index, term, type, size and a payload preview (printable bytes as is, others as '.'). No-op entries",
            "are internal, marked 'noop'.",
            "Entries the node's next start restores from its tail files (fsync=batch, after a crash) are marked",
            "'(tail file)'; cycle-file entries they replace are not listed."})
    static final class Dump implements Callable<Integer> {
        @Option(names = "--data", required = true, paramLabel = "DIR", description = "the node's data directory")
        Path data;

        @Option(names = "--from", defaultValue = "1", paramLabel = "N", description = "first index to print (default: the first held)")
        long from;

        @Option(names = "--count", defaultValue = "" + Long.MAX_VALUE, paramLabel = "K", description = "at most K entries (default: all)")
        long count;

        @Option(names = "--preview", defaultValue = "48", paramLabel = "BYTES", description = "payload bytes to show (default: ${DEFAULT-VALUE})")
        int preview;

        @Override
        public Integer call() {
            if (from < 0 || count < 0 || preview < 0) {
                throw new IllegalArgumentException("--from, --count and --preview must not be negative");
            }
            Path dir = journalOf(data);
            PrintStream out = System.out;
            long printed;
            try {
                printed = JournalInspector.dump(dir, from, count, (index, term, type, buffer, offset, length, fromTail) ->
                    out.printf("%d\tterm=%d\t%s\t%s%s%n", index, term, type == EntryType.NOOP ? "noop" : EntryType.name(type),
                        describe(type, buffer, offset, length), fromTail ? "\t(tail file)" : ""));
            } catch (IllegalArgumentException e) {
                throw failure(e);
            }
            out.flush();
            System.err.printf("%d entries%n", printed);
            return Cli.OK;
        }

        /**
         * Size and preview of the user's bytes; a data entry's stored header (the producer's client id and
         * sequence, which make its appends exactly-once) is shown as such, not as part of the payload.
         */
        private String describe(byte type, DirectBuffer buffer, int offset, int length) {
            if (type != EntryType.DATA || length < DataEntry.HEADER_LENGTH) {
                return length + " B\t" + JournalInspector.preview(buffer, offset, length, preview);
            }
            int user = length - DataEntry.HEADER_LENGTH;
            return user + " B\tclient=" + Long.toHexString(DataEntry.clientId(buffer, offset)) + " seq="
                + DataEntry.sequence(buffer, offset) + "\t"
                + JournalInspector.preview(buffer, offset + DataEntry.HEADER_LENGTH, user, preview);
        }
    }
}
