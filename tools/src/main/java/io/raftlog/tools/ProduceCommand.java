package io.raftlog.tools;

import io.raftlog.net.client.LogClient;
import io.raftlog.net.client.LogClientException;
import io.raftlog.net.codec.Protocol;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code raftlog produce}: appends one entry per stdin line, or {@code --count} generated entries, through
 * the Java client with up to {@code --window} outstanding; prints {@code INDEX<TAB>LINE} per acknowledged
 * entry with --print-index (flushed per line, so it can feed a pipe), and a summary on stderr (also when
 * interrupted). Like tail, it stops once the pipe's reader has gone.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
    description = {"Append entries: one per stdin line, or --count generated entries.",
        "Summary (entries, entries/s, commit latency p50/p99) on stderr;",
        "exits 1 if any entry was not acknowledged within --timeout.",
        "Stops submitting (exit 0) once --print-index output is closed, e.g. by | head."})
public final class ProduceCommand implements Callable<Integer> {

    @Mixin
    ClusterOption cluster;

    @Option(names = "--count", paramLabel = "N", description = "append N generated entries instead of reading stdin")
    Long count;

    @Option(names = "--size", paramLabel = "BYTES",
        description = "size of each generated entry, at most " + Protocol.MAX_ENTRY_BYTES + " (default: 128)")
    Integer size;

    @Option(names = "--print-index", description = "print INDEX<TAB>LINE on stdout for each acknowledged entry")
    boolean printIndex;

    @Option(names = "--timeout", defaultValue = "30s", paramLabel = "TIME",
        description = "how long each entry may take, retries included (default: ${DEFAULT-VALUE})")
    String timeout;

    @Option(names = "--window", defaultValue = "1024", paramLabel = "N",
        description = "most entries outstanding at once, 1 to " + LogClient.MAX_WINDOW + " (default: ${DEFAULT-VALUE})")
    int window;

    /** Standard output (a test may set it before the run); written on the client's receive thread. */
    PrintStream out;
    /** Set once a write to {@link #out} failed: its reader went away (`| head -1`), so nothing more is submitted. */
    private volatile boolean outputClosed;
    /** The summary is printed once: at the end, or by the shutdown hook if the run is interrupted (Ctrl-C). */
    private final AtomicBoolean summarized = new AtomicBoolean();

    @Override
    public Integer call() throws Exception {
        if (count == null && size != null) {
            throw new IllegalArgumentException("--size needs --count (stdin lines are sent as they are)");
        }
        if (count != null && count < 0) {
            throw new IllegalArgumentException("--count must be >= 0, was " + count);
        }
        int entrySize = size == null ? 128 : size;
        if (entrySize < 0 || entrySize > Protocol.MAX_ENTRY_BYTES) {
            // checked before the payload is allocated: 2147483647 was an OutOfMemoryError
            throw new IllegalArgumentException("--size must be from 0 to " + Protocol.MAX_ENTRY_BYTES
                + " (the largest entry a node accepts), was " + entrySize);
        }
        if (window < 1 || window > LogClient.MAX_WINDOW) {
            throw new IllegalArgumentException("--window must be from 1 to " + LogClient.MAX_WINDOW + ", was " + window);
        }
        Duration deadline = ClusterOption.timeout(timeout);
        if (out == null) {
            out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        }
        long submitted;
        long start;
        Producer producer;
        Thread onInterrupt = null;
        try (LogClient client = cluster.client().window(window).timeout(deadline).build()) {
            producer = new Producer(client, window, printIndex ? this::print : null);
            start = System.nanoTime();
            onInterrupt = summaryOnInterrupt(producer, start);
            // Stop submitting once an entry has failed its deadline (the cluster is not taking appends: rather
            // than wait out the deadline again for every further window of entries), or once standard output
            // is gone (its reader has what it wanted; tail stops the same way).
            if (count != null) {
                UnsafeBuffer payload = new UnsafeBuffer(new byte[entrySize]);
                for (long i = 0; i < count && producer.failed() == 0 && !outputClosed; i++) {
                    generate(payload, i);
                    producer.submit(payload, 0, entrySize, i, printIndex ? payload.byteArray().clone() : null);
                }
            } else {
                UnsafeBuffer view = new UnsafeBuffer(0, 0);
                try (InputStream in = System.in) {
                    LineReader lines = new LineReader(in);
                    byte[] line;
                    long n = 0;
                    while (producer.failed() == 0 && !outputClosed && (line = lines.next()) != null) {
                        view.wrap(line);
                        producer.submit(view, 0, line.length, n++, line);
                    }
                }
            }
            submitted = producer.submitted();
            if (!producer.awaitAll(deadline.plusSeconds(5))) {
                throw new LogClientException(client.outstanding() + " entries still outstanding after " + timeout);
            }
        } finally {
            out.flush();
            if (onInterrupt != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(onInterrupt);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs (or ran) and prints the summary
                }
            }
        }
        long elapsed = System.nanoTime() - start;
        if (summarized.compareAndSet(false, true)) {
            summary(producer, submitted, elapsed, "");
        }
        if (producer.failed() > 0) {
            Throwable t = producer.firstFailure();
            long intended = count != null ? count : submitted;
            String notSent = count != null && submitted < count ? " (" + (count - submitted) + " never sent: stopped at the first failure)"
                : count == null ? " (stopped reading input at the first failure)" : "";
            // The first failure says why (a rejection, or which deadline passed): no "within" here, which read as
            // a timeout for entries a node refused at once.
            throw new LogClientException((intended - producer.acknowledged()) + " of " + intended
                + " entries were not acknowledged" + notSent + (t == null ? "" : ": " + t.getMessage()));
        }
        return Cli.OK;
    }

    /** Printable, self-describing content: the entry number, then filler, so tails show something readable. */
    static void generate(UnsafeBuffer payload, long n) {
        int size = payload.capacity();
        long v = n;
        for (int k = Math.min(size, 12) - 1; k >= 0; k--) {
            payload.putByte(k, (byte) ('0' + (v % 10)));
            v /= 10;
        }
        for (int k = 12; k < size; k++) {
            payload.putByte(k, (byte) ('a' + (k % 26)));
        }
    }

    /** The entry number {@link #generate} wrote at the start of a payload (its first up-to-12 digits). */
    static long tagOf(DirectBuffer payload, int offset, int length) {
        long v = 0;
        for (int k = 0; k < Math.min(length, 12); k++) {
            v = v * 10 + (payload.getByte(offset + k) - '0');
        }
        return v;
    }

    /** Splits stdin into lines (without \n, and without a \r before it) from a large buffer, not byte by byte. */
    static final class LineReader {
        private final InputStream in;
        private final byte[] buffer = new byte[64 * 1024];
        private int start;
        private int end;

        LineReader(InputStream in) {
            this.in = in;
        }

        /** The next line, or null at the end of input (a last line without \n still counts). */
        byte[] next() throws IOException {
            ByteArrayOutputStream longLine = null;
            while (true) {
                for (int i = start; i < end; i++) {
                    if (buffer[i] == '\n') {
                        byte[] line = take(longLine, i);
                        start = i + 1;
                        return line;
                    }
                }
                if (end > start) {
                    if (longLine == null) {
                        longLine = new ByteArrayOutputStream(2 * (end - start));
                    }
                    longLine.write(buffer, start, end - start);
                }
                start = 0;
                end = in.read(buffer);
                if (end < 0) {
                    end = 0;
                    return longLine == null ? null : stripCr(longLine.toByteArray());
                }
            }
        }

        private byte[] take(ByteArrayOutputStream prefix, int newline) {
            if (prefix == null) {
                int len = newline - start;
                if (len > 0 && buffer[newline - 1] == '\r') {
                    len--;
                }
                return Arrays.copyOfRange(buffer, start, start + len);
            }
            prefix.write(buffer, start, newline - start);
            return stripCr(prefix.toByteArray());
        }

        private static byte[] stripCr(byte[] line) {
            return line.length > 0 && line[line.length - 1] == '\r' ? Arrays.copyOf(line, line.length - 1) : line;
        }
    }

    private void print(long tag, long index, byte[] line) {
        synchronized (out) {
            if (outputClosed) {
                return;
            }
            out.print(index);
            out.print('\t');
            out.write(line, 0, line.length);
            out.print('\n');
            out.flush();
            if (out.checkError()) {
                outputClosed = true;
            }
        }
    }

    /**
     * Prints the summary if the JVM stops before the run ends (Ctrl-C): from counters only. It touches neither
     * the client, whose threads may be what it interrupts, nor standard output, whose reader may have stopped
     * reading (a write there could block the exit for good); each printed line was flushed as it went.
     */
    private Thread summaryOnInterrupt(Producer producer, long start) {
        Thread hook = new Thread(() -> {
            if (summarized.compareAndSet(false, true)) {
                summary(producer, producer.submitted(), System.nanoTime() - start, " (interrupted)");
            }
        }, "raftlog-produce-summary");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private static void summary(Producer producer, long submitted, long elapsedNanos, String note) {
        double seconds = elapsedNanos / 1e9;
        long ok = producer.acknowledged();
        double rate = seconds > 0 ? ok / seconds : 0;
        Histogram h = producer.latencyMicros();
        System.err.printf(Locale.ROOT, "produced %d of %d entries in %.3f s: %.0f entries/s, commit latency p50 %s p99 %s max %s%s%n",
            ok, submitted, seconds, rate, micros(h.getValueAtPercentile(50)), micros(h.getValueAtPercentile(99)),
            micros(h.getMaxValue()), note);
        System.err.flush();
    }

    static String micros(long us) {
        return us >= 10_000 ? String.format(Locale.ROOT, "%.1f ms", us / 1000.0) : us + " us";
    }
}
