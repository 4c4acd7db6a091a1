package io.raftlog.bench.journal;

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

import io.raftlog.bench.FileTrees;
import io.raftlog.journal.ChronicleJournal;
import io.raftlog.journal.FsyncPolicy;
import io.raftlog.journal.JournalOptions;
import io.raftlog.raft.EntryType;

/**
 * What a restart costs the journal: opening one that holds {@code entries} entries of 128 bytes, written in W1's
 * batches of 512 and never compacted, which the start-up scan reads twice (docs/ARCHITECTURE.md, Recovery). One
 * op = one open and close. {@code fileReadMinBytes} 4096 reads large documents with pread (the default), 0
 * through the map. The journal is written once per trial into a temporary directory, deleted afterwards.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class JournalOpenBenchmark extends JournalBenchmarkBase {

    static final int BATCH = 512;
    static final int PAYLOAD = 128;

    @Param({"2000000"})
    public long entries;

    /** Smallest document the scan copies out with pread; 0: every document through the map. */
    @Param({"4096", "0"})
    public int fileReadMinBytes;

    private Path dir;

    @Setup(Level.Trial)
    public void writeJournal() throws IOException {
        // The journal's options read this property when they are made (JournalOptions.defaults()).
        System.setProperty("raftlog.journal.fileReadMinBytes", Integer.toString(fileReadMinBytes));
        dir = Files.createTempDirectory("journal-open-bench");
        UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
        try (ChronicleJournal journal = ChronicleJournal.open(dir.resolve("none"), FsyncPolicy.NONE)) {
            for (long i = 1; i <= entries; i++) {
                journal.append(i, 1, EntryType.DATA, payload, 0, PAYLOAD);
                if (i % BATCH == 0) {
                    journal.writePending();
                }
            }
            journal.writePending();
        }
    }

    @TearDown(Level.Trial)
    public void deleteJournal() throws IOException {
        FileTrees.delete(dir);
        System.clearProperty("raftlog.journal.fileReadMinBytes");
    }

    @Benchmark
    public long openAndClose() {
        try (ChronicleJournal journal = ChronicleJournal.open(dir.resolve("none"), FsyncPolicy.NONE)) {
            if (journal.lastIndex() != entries) {
                throw new IllegalStateException("opened " + journal.lastIndex() + " entries, wrote " + entries);
            }
            return journal.lastIndex();
        }
    }
}
