package io.raftlog.bench.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

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
import io.raftlog.journal.FsyncPolicy;
import io.raftlog.journal.JournalOptions;
import io.raftlog.raft.EntryType;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The journal's append path against raw Chronicle Queue appends of the same bytes, in one run: 128-byte
 * entries in batches of 64 (one benchmark op = one entry). {@code journalNoFsync} vs {@code rawChronicle}
 * is the journal's overhead (record header, CRC32C, index bookkeeping); {@code journalBatchFsync} is the
 * durable throughput with one force per batch, {@code forceLatency} the time of one batch + its force;
 * {@code chronicleMsyncLatency} and {@code plainFileForceLatency} are the alternatives it was chosen over.
 * Each trial writes into a fresh temporary directory, deleted afterwards.
 */
@State(Scope.Thread)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class JournalAppendBenchmark extends JournalBenchmarkBase {

    static final int BATCH = 64;
    static final int PAYLOAD = 128;

    private final byte[] bytes = new byte[PAYLOAD];
    private final UnsafeBuffer payload = new UnsafeBuffer(bytes);

    /**
     * Whether the fsync=batch journal forces its plain tail files (the default) or, as before them, the
     * mapped cycle files; only {@code journalBatchFsync} and {@code forceLatency} use it.
     */
    @Param({"true", "false"})
    public boolean tailFiles;

    private Path dir;
    private ChronicleJournal none;
    private ChronicleJournal batch;
    private SingleChronicleQueue raw;
    private ExcerptAppender rawAppender;
    private SingleChronicleQueue msynced;
    private ExcerptAppender msyncedAppender;
    private FileChannel plain;
    private final ByteBuffer plainBatch = ByteBuffer.allocateDirect(BATCH * (PAYLOAD + 32));

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        for (int i = 0; i < PAYLOAD; i++) {
            bytes[i] = (byte) i;
        }
        dir = Files.createTempDirectory("journal-bench");
        none = ChronicleJournal.open(dir.resolve("none"), FsyncPolicy.NONE);
        batch = ChronicleJournal.open(dir.resolve("batch"), FsyncPolicy.BATCH,
            JournalOptions.defaults().tailWal(tailFiles));
        raw = SingleChronicleQueueBuilder.binary(dir.resolve("raw")).rollCycle(LargeRollCycles.LARGE_HOURLY).build();
        rawAppender = raw.createAppender();
        msynced = SingleChronicleQueueBuilder.binary(dir.resolve("msync")).rollCycle(LargeRollCycles.LARGE_HOURLY)
            .syncMode(SyncMode.SYNC).build();
        msyncedAppender = msynced.createAppender();
        plain = FileChannel.open(dir.resolve("plain.log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        while (plainBatch.hasRemaining()) {
            plainBatch.put((byte) plainBatch.position());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        none.close();
        batch.close();
        rawAppender.close();
        raw.close();
        msyncedAppender.close();
        msynced.close();
        plain.close();
        FileTrees.delete(dir);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public long journalNoFsync() {
        long next = none.lastIndex() + 1;
        for (int i = 0; i < BATCH; i++) {
            none.append(next + i, 1, EntryType.DATA, payload, 0, PAYLOAD);
        }
        none.writePending(); // as the raft thread does at the end of its batch
        return none.flush();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public long rawChronicle() {
        for (int i = 0; i < BATCH; i++) {
            try (DocumentContext dc = rawAppender.writingDocument()) {
                dc.wire().bytes().write(bytes, 0, PAYLOAD);
            }
        }
        return rawAppender.lastIndexAppended();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public long journalBatchFsync() {
        return appendBatchAndFlush();
    }

    /** One batch of 64 appends plus the force that makes it durable: the latency a follower adds per batch. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long forceLatency() {
        return appendBatchAndFlush();
    }

    /** The alternative durable path: Chronicle's own msync (SyncMode.SYNC, then appender.sync()) per batch. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long chronicleMsyncLatency() {
        for (int i = 0; i < BATCH; i++) {
            try (DocumentContext dc = msyncedAppender.writingDocument()) {
                dc.wire().bytes().write(bytes, 0, PAYLOAD);
            }
        }
        msyncedAppender.sync();
        return msyncedAppender.lastIndexAppended();
    }

    /** The floor: the same batch bytes (with record headers) written to a plain file, then force(false). */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long plainFileForceLatency() throws IOException {
        plainBatch.clear();
        while (plainBatch.hasRemaining()) {
            plain.write(plainBatch);
        }
        plain.force(false);
        return plain.position();
    }

    private long appendBatchAndFlush() {
        long next = batch.lastIndex() + 1;
        for (int i = 0; i < BATCH; i++) {
            batch.append(next + i, 1, EntryType.DATA, payload, 0, PAYLOAD);
        }
        batch.writePending(); // the batch becomes one document, as on the raft thread
        return batch.flush();
    }
}
