package io.raftlog.bench.journal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.bytes.MappedBytesStore;

/**
 * The copy of one encoded record from the heap into a Chronicle mapped file, isolated from everything else
 * the journal's append does (document header, index, page faults of fresh pages): the records cycle over
 * a region of the file touched in advance, 1 MiB (the destination stays in the CPU caches) or 256 MiB (it
 * does not, as for a journal's fresh pages: each record's cache lines are fetched before being written). {@code chronicleWrite} is Chronicle's {@code write(byte[], int, int)}
 * (on Java 9+ a Java loop of 8-byte moves, UnsafeMemory.copyMemoryLoop), {@code unsafeCopyMemory} the
 * journal's path: one Unsafe.copyMemory to the mapped address, then advancing the write position. Records of
 * W1 (128 B payload + 32 B header) and W1k (1 KiB + 32) size. One op = one record.
 */
@State(Scope.Thread)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class RecordCopyBenchmark extends JournalBenchmarkBase {

    @Param({"160", "1056"})
    int recordLength;

    @Param({"1048576", "268435456"})
    int region;

    private Path dir;
    private MappedBytes bytes;
    private UnsafeBuffer record;
    private final UnsafeBuffer target = new UnsafeBuffer();
    private long position;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("record-copy-bench");
        File file = dir.resolve("records").toFile();
        bytes = MappedBytes.mappedBytes(file, 64L << 20);
        byte[] zeros = new byte[1 << 20];
        for (int done = 0; done < region; done += zeros.length) {
            bytes.write(zeros, 0, zeros.length); // touch every page once, so neither side pays page faults
        }
        byte[] r = new byte[recordLength];
        for (int i = 0; i < r.length; i++) {
            r[i] = (byte) i;
        }
        record = new UnsafeBuffer(r);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        bytes.releaseLast();
        Files.deleteIfExists(dir.resolve("records"));
        Files.deleteIfExists(dir);
    }

    private long next() {
        long p = position;
        position = p + recordLength > region - recordLength ? 0 : p + recordLength;
        return p;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long chronicleWrite() {
        bytes.writePosition(next());
        bytes.write(record.byteArray(), 0, recordLength);
        return bytes.writePosition();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long unsafeCopyMemory() {
        Bytes<?> b = bytes.writePosition(next());
        long wp = b.writePosition();
        if (b.bytesStore() instanceof MappedBytesStore store && store.inside(wp) && store.inside(wp, recordLength)) {
            target.wrap(store.addressForWrite(wp), recordLength);
            target.putBytes(0, record, 0, recordLength);
            b.writeSkip(recordLength);
        } else {
            b.write(record.byteArray(), 0, recordLength);
        }
        return b.writePosition();
    }
}
