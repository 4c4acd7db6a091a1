package io.raftlog.bench.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.raftlog.bench.FileTrees;
import io.raftlog.journal.ChronicleJournal;
import io.raftlog.journal.EntryConsumer;
import io.raftlog.journal.FsyncPolicy;
import io.raftlog.journal.JournalOptions;
import io.raftlog.journal.JournalReader;
import io.raftlog.raft.EntryType;

/**
 * What the flusher does under fsync=batch before each force: read back, with a reader of its own, the batch the
 * writer has just put into the journal (W1's 128-byte entries, 512 a batch; one op = one entry). The writer puts
 * large documents into the file with pwrite, so the reader is the first to touch their pages from user space;
 * {@code fileReadMinBytes} 4096 copies such documents out with pread (the default), 0 through the map (before).
 * Each trial writes into a fresh temporary directory, deleted afterwards.
 *
 * <p>On one thread the two settings measured the same (2.4M and 2.5M entries/s, both drifting down as the journal
 * grows), although in the running node the copy through the map was 42% of the flusher's samples and pread made
 * W1 with fsync 23% faster (docs/BENCHMARKS.md, twelfth session): what the map costs there depends on the other
 * threads sharing the mapping (the writer releasing pages behind it, write-behind cleaning them), which this
 * benchmark does not have. It stays as the read-back's own cost, not as proof of the change.
 */
@State(Scope.Thread)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class JournalReadBackBenchmark extends JournalBenchmarkBase {

    static final int BATCH = 512;
    static final int PAYLOAD = 128;

    /** Smallest document a reader copies out with pread; 0: every document through the map. */
    @Param({"4096", "0"})
    public int fileReadMinBytes;

    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
    private final Checksummer consumer = new Checksummer();

    private Path dir;
    private ChronicleJournal journal;
    private JournalReader reader;

    /** Touches every entry's bytes, as the flusher's copy into the tail file does. */
    static final class Checksummer implements EntryConsumer {
        long sum;

        @Override
        public boolean accept(long index, long term, byte type, DirectBuffer buffer, int offset, int length) {
            sum += buffer.getLong(offset) + buffer.getLong(offset + length - 8);
            return true;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        for (int i = 0; i < PAYLOAD; i++) {
            payload.putByte(i, (byte) i);
        }
        // The journal's options read this property when they are made (JournalOptions.defaults()).
        System.setProperty("raftlog.journal.fileReadMinBytes", Integer.toString(fileReadMinBytes));
        dir = Files.createTempDirectory("journal-read-back-bench");
        journal = ChronicleJournal.open(dir.resolve("none"), FsyncPolicy.NONE);
        reader = journal.newReader();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        reader.close();
        journal.close();
        FileTrees.delete(dir);
        System.clearProperty("raftlog.journal.fileReadMinBytes");
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public long appendThenReadBack() {
        long from = journal.lastIndex() + 1;
        for (int i = 0; i < BATCH; i++) {
            journal.append(from + i, 1, EntryType.DATA, payload, 0, PAYLOAD);
        }
        journal.writePending();
        long last = from + BATCH - 1;
        for (long index = from; index <= last; ) {
            int n = reader.read(index, last, BATCH, Long.MAX_VALUE, consumer);
            if (n == 0) {
                throw new IllegalStateException("nothing read at " + index + " of " + last);
            }
            index += n;
        }
        return consumer.sum;
    }
}
