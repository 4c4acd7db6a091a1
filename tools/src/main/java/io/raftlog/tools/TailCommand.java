package io.raftlog.tools;

import io.raftlog.net.client.EntryHandler;
import io.raftlog.net.client.LogClient;
import io.raftlog.net.client.LogClientException;
import io.raftlog.net.client.NodeStatus;
import io.raftlog.net.client.OnCompacted;
import io.raftlog.net.client.TailSubscription;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.agrona.DirectBuffer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code raftlog tail}: prints committed entries from an index, in order, each once; with --follow keeps
 * waiting for new ones across leader changes and node failures (the client moves to another node and
 * resumes from the next index). Output is flushed after every batch of entries received, so it can be
 * read through a pipe as it comes.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
    description = {"Print committed entries in index order.",
        "By default from the first to the current end; --follow keeps waiting like tail -f. Formats:",
        "text (payload), tsv (INDEX<TAB>PAYLOAD), hex (INDEX<TAB>hex),",
        "json ({\"index\":N,\"payload\":\"...\"} per line)."})
public final class TailCommand implements Callable<Integer> {

    enum Format { text, tsv, hex, json }

    enum IfCompacted {
        fail(OnCompacted.FAIL), skip(OnCompacted.SKIP);

        final OnCompacted policy;

        IfCompacted(OnCompacted policy) {
            this.policy = policy;
        }
    }

    static final class From {
        @Option(names = "--from", paramLabel = "INDEX", description = "start at this log index (1 is the first)")
        Long index;

        @Option(names = "--from-beginning", description = "start at the first entry (the default)")
        boolean beginning;

        @Option(names = "--from-end", description = "start after the last committed entry (only new ones)")
        boolean end;
    }

    @Mixin
    ClusterOption cluster;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    From from;

    @Option(names = "--follow", description = "keep waiting for new entries, like tail -f")
    boolean follow;

    @Option(names = "--max", paramLabel = "K", description = "stop after K entries")
    Long max;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|tsv|hex|json",
        description = "output format (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--if-compacted", paramLabel = "fail|skip",
        description = "when the next entries were dropped (retention) on every node before they were read: fail,"
            + " or skip to the first entry kept and say so on stderr (default: skip from the beginning, else fail)")
    IfCompacted ifCompacted;

    @Option(names = "--timeout", defaultValue = "30s", paramLabel = "TIME",
        description = "give up when no node serves the tail for this long (default: ${DEFAULT-VALUE})")
    String timeout;

    @Override
    public Integer call() throws Exception {
        if (max != null && max < 0) {
            throw new IllegalArgumentException("--max must be >= 0, was " + max);
        }
        if (from != null && from.index != null && from.index < 1) {
            throw new IllegalArgumentException("--from must be >= 1 (log indexes start at 1), was " + from.index);
        }
        Duration deadline = ClusterOption.timeout(timeout);
        cluster.addresses(); // checked even when there is nothing to read: --max 0 with a bad address was exit 0
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024),
            false, StandardCharsets.UTF_8);
        if (max != null && max == 0) {
            return Cli.OK;
        }
        try (LogClient client = cluster.client().timeout(deadline).build()) {
            long start = startIndex(client);
            CompletableFuture<Void> reachedMax = new CompletableFuture<>();
            Printer printer = new Printer(out, System.err, format, max == null ? Long.MAX_VALUE : max, reachedMax);
            // Unset: the client's own default (from 1 means from the first entry kept; elsewhere, fail).
            TailSubscription tail = ifCompacted == null ? client.tail(start, follow, printer)
                : client.tail(start, follow, ifCompacted.policy, printer);
            // No shutdown hook flushes the output: every batch is flushed as it ends (Printer.endOfBatch), and a
            // hook's flush blocks for good when the reader stopped reading, holding up the exit on SIGTERM; it
            // would also wait for the PrintStream's lock, which a tail thread blocked writing to a full pipe holds.
            try {
                CompletableFuture.anyOf(tail.done(), reachedMax).get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception ex ? ex : e;
            } finally {
                tail.close();
                out.flush();
            }
        }
        return Cli.OK;
    }

    private long startIndex(LogClient client) {
        if (from == null || from.beginning) {
            return 1;
        }
        if (from.index != null) {
            return from.index;
        }
        long commit = -1;
        List<NodeStatus> nodes = client.status();
        for (NodeStatus s : nodes) {
            if (s.reachable()) {
                commit = Math.max(commit, s.commitIndex());
            }
        }
        if (commit < 0) {
            throw new LogClientException("cannot find the end of the log: no node answered (" + NodeStatus.problems(nodes) + ")");
        }
        return commit + 1;
    }

    /** Writes each entry in the chosen format; flushes at the end of every received batch. */
    static final class Printer implements EntryHandler {
        private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        private final PrintStream out;
        private final PrintStream err;
        private final Format format;
        private final long max;
        private final CompletableFuture<Void> reachedMax;
        private byte[] scratch = new byte[1024];
        private long printed;

        Printer(PrintStream out, PrintStream err, Format format, long max, CompletableFuture<Void> reachedMax) {
            this.out = out;
            this.err = err;
            this.format = format;
            this.max = max;
            this.reachedMax = reachedMax;
        }

        @Override
        public void onEntry(long index, DirectBuffer buffer, int offset, int length) {
            if (printed >= max) {
                return;
            }
            if (scratch.length < length) {
                scratch = new byte[Math.max(length, scratch.length * 2)];
            }
            buffer.getBytes(offset, scratch, 0, length);
            switch (format) {
                case text -> out.write(scratch, 0, length);
                case tsv -> {
                    out.print(index);
                    out.write('\t');
                    out.write(scratch, 0, length);
                }
                case hex -> {
                    out.print(index);
                    out.write('\t');
                    for (int i = 0; i < length; i++) {
                        out.write(HEX[(scratch[i] >> 4) & 0xF]);
                        out.write(HEX[scratch[i] & 0xF]);
                    }
                }
                case json -> {
                    out.print("{\"index\":");
                    out.print(index);
                    out.print(",\"payload\":");
                    out.print(Json.quote(new String(scratch, 0, length, StandardCharsets.UTF_8)));
                    out.print('}');
                }
            }
            out.write('\n');
            if (++printed >= max) {
                out.flush();
                reachedMax.complete(null);
            }
        }

        /** Said on stderr, so a pipe of entries stays clean; not for a start from 1, which asked for the first kept. */
        @Override
        public void skipped(long fromIndex, long toIndex) {
            if (fromIndex > 1) {
                out.flush(); // what was printed before the gap comes before the warning
                err.println("raftlog tail: entries " + fromIndex + ".." + toIndex + " were dropped on every node before"
                    + " they were read; going on at " + (toIndex + 1));
            }
        }

        @Override
        public void endOfBatch() {
            out.flush();
            if (out.checkError()) {
                reachedMax.complete(null); // the reader went away (e.g. `| head`): stop like tail -f would
            }
        }
    }
}
