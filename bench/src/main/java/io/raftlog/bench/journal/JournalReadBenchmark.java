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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.raftlog.bench.FileTrees;
import io.raftlog.journal.ChronicleJournal;
import io.raftlog.journal.EntryConsumer;
import io.raftlog.journal.FsyncPolicy;
import io.raftlog.raft.EntryType;

/**
 * The leader's reads on the raft thread: what building AppendEntries for its followers costs the journal.
 * 128-byte entries, ranges of 64 (one benchmark op = one entry). Per range and follower the core sizes the
 * message ({@code countWithin}) and the encoder copies the entries out ({@code read} into a buffer, as
 * {@code AppendEntriesEncoder} does).
 * <ul>
 * <li>{@code appendThenReplicate}: append 64 entries, then size and copy them once per follower (2): the
 *     leader's steady state under pipelining.</li>
 * <li>{@code readRecent}: size and copy the newest 64 entries only (no append): the pure read cost.</li>
 * <li>{@code readOld}: the same for entries written long before (a follower far behind), walking through the
 *     history 64 at a time so that each call reads entries the previous ones did not (re-reading one range
 *     measured hot pages and a hot index lookup; found in review).</li>
 * </ul>
 * Each trial writes into a fresh temporary directory, deleted afterwards.
 */
@State(Scope.Thread)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class JournalReadBenchmark extends JournalBenchmarkBase {

    static final int RANGE = 64;
    static final int PAYLOAD = 128;
    static final int FOLLOWERS = 2;
    /** Entries written before measuring: about 32 MB of records, more than any in-memory window of recent ones. */
    static final int HISTORY = 200_000;
    static final long MAX_BYTES = 1 << 20;

    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
    private final Copier copier = new Copier();

    private Path dir;
    private ChronicleJournal journal;
    /** Where {@link #readOld} reads next: the first half of the history, the part written longest ago. */
    private long oldFrom = 1;

    /** Copies each entry into a frame-sized buffer, as the AppendEntries encoder does. */
    static final class Copier implements EntryConsumer {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[RANGE * (PAYLOAD + 64)]);
        int at;

        @Override
        public boolean accept(long index, long term, byte type, DirectBuffer buffer, int offset, int length) {
            frame.putLong(at, term);
            frame.putBytes(at + 8, buffer, offset, length);
            at += 8 + length;
            return true;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        for (int i = 0; i < PAYLOAD; i++) {
            payload.putByte(i, (byte) i);
        }
        dir = Files.createTempDirectory("journal-read-bench");
        journal = ChronicleJournal.open(dir.resolve("none"), FsyncPolicy.NONE);
        for (int i = 1; i <= HISTORY; i++) {
            journal.append(i, 1, EntryType.DATA, payload, 0, PAYLOAD);
        }
        journal.writePending();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        journal.close();
        FileTrees.delete(dir);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(RANGE)
    public int appendThenReplicate() {
        long from = journal.lastIndex() + 1;
        for (int i = 0; i < RANGE; i++) {
            journal.append(from + i, 1, EntryType.DATA, payload, 0, PAYLOAD);
        }
        int delivered = 0;
        for (int f = 0; f < FOLLOWERS; f++) {
            delivered += sizeAndCopy(from);
        }
        journal.writePending(); // the raft thread's order: replicate, then write the batch
        return delivered;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(RANGE)
    public int readRecent() {
        return sizeAndCopy(journal.lastIndex() - RANGE + 1);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(RANGE)
    public int readOld() {
        int n = sizeAndCopy(oldFrom);
        oldFrom += RANGE;
        if (oldFrom > HISTORY / 2) {
            oldFrom = 1;
        }
        return n;
    }

    private int sizeAndCopy(long from) {
        int n = journal.countWithin(from, RANGE, MAX_BYTES);
        copier.at = 0;
        return journal.read(from, n, MAX_BYTES, copier);
    }
}
