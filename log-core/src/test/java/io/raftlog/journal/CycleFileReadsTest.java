package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.openhft.chronicle.core.OS;

/**
 * A reader copies large documents out of the cycle file with pread ({@link CycleFileReads}) and serves exactly
 * what the map holds; small documents, a reader with the threshold off, and an interrupted thread copy through
 * the map; a document whose file bytes were damaged is refused as corrupt, as through the map, by a reader and
 * by the scan that opens the journal.
 */
class CycleFileReadsTest {
    private static final int BATCHES = 20;
    private static final int PER_BATCH = 64; // records of about 100 bytes: one document of about 6 KiB

    @TempDir
    Path dir;

    /** Twenty documents of 64 records each, then ten of a single record; returns what the journal's own reads see. */
    private static List<Entries.Read> writeBatchesThenSingles(ChronicleJournal j) {
        long index = 1;
        for (int batch = 0; batch < BATCHES; batch++) {
            for (int i = 0; i < PER_BATCH; i++) {
                Entries.append(j, index++, 1, 0);
            }
            j.writePending();
        }
        for (int i = 0; i < 10; i++) {
            Entries.append(j, index++, 1, 0);
            j.writePending();
        }
        return Entries.readAll(j);
    }

    private static List<Entries.Read> readAllWith(ChronicleJournalReader reader, long last) {
        Entries.Collector c = new Entries.Collector();
        long from = 1;
        while (from <= last) {
            int n = reader.read(from, last, 100, Long.MAX_VALUE, c);
            assertThat(n).as("read at %d", from).isPositive();
            from += n;
        }
        return c.reads;
    }

    @Test
    void largeDocumentsAreReadFromTheFileAndSmallOnesThroughTheMapAndBothServeTheSameEntries() {
        Assumptions.assumeTrue(OS.isLinux(), "readers read through the file on Linux only");
        try (ChronicleJournal j = ChronicleJournal.open(dir.resolve("j"), FsyncPolicy.NONE,
            JournalOptions.defaults().fileReadMinBytes(4096))) {
            List<Entries.Read> expected = writeBatchesThenSingles(j);
            assertThat(expected).hasSize(BATCHES * PER_BATCH + 10);
            try (ChronicleJournalReader reader = (ChronicleJournalReader) j.newReader()) {
                Entries.assertSameEntries(readAllWith(reader, j.lastIndex()), expected, "read by another reader");
                // 100 entries a call: a call that starts inside a document takes it from memory, not the file again
                assertThat(reader.fileReads()).as("documents read from the file").isEqualTo(BATCHES);
            }
        }
    }

    @Test
    void offReadsEveryDocumentThroughTheMap() {
        try (ChronicleJournal j = ChronicleJournal.open(dir.resolve("j"), FsyncPolicy.NONE,
            JournalOptions.defaults().fileReadMinBytes(0))) {
            List<Entries.Read> expected = writeBatchesThenSingles(j);
            try (ChronicleJournalReader reader = (ChronicleJournalReader) j.newReader()) {
                Entries.assertSameEntries(readAllWith(reader, j.lastIndex()), expected, "read through the map");
                assertThat(reader.fileReads()).isZero();
            }
        }
    }

    @Test
    void anInterruptedThreadReadsThroughTheMapAndStaysInterrupted() {
        Assumptions.assumeTrue(OS.isLinux(), "readers read through the file on Linux only");
        try (ChronicleJournal j = ChronicleJournal.open(dir.resolve("j"), FsyncPolicy.NONE,
            JournalOptions.defaults().fileReadMinBytes(4096))) {
            List<Entries.Read> expected = writeBatchesThenSingles(j);
            try (ChronicleJournalReader reader = (ChronicleJournalReader) j.newReader()) {
                List<Entries.Read> read;
                Thread.currentThread().interrupt();
                try {
                    read = readAllWith(reader, j.lastIndex());
                    assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is left for the caller").isTrue();
                } finally {
                    Thread.interrupted();
                }
                Entries.assertSameEntries(read, expected, "read while interrupted");
                assertThat(reader.fileReads()).isZero();
                // the next read, not interrupted, uses the file again
                Entries.Collector c = new Entries.Collector();
                assertThat(reader.read(1, PER_BATCH, PER_BATCH, Long.MAX_VALUE, c)).isEqualTo(PER_BATCH);
                assertThat(reader.fileReads()).isEqualTo(1);
            }
        }
    }

    @Test
    void aDocumentDamagedInTheFileIsRefusedAsCorruptNotServed() throws IOException {
        Assumptions.assumeTrue(OS.isLinux(), "readers read through the file on Linux only");
        try (ChronicleJournal j = ChronicleJournal.open(dir.resolve("j"), FsyncPolicy.NONE,
            JournalOptions.defaults().fileReadMinBytes(4096))) {
            writeBatchesThenSingles(j);
            // Flip one payload byte of entry 70 (the second document) in the page cache, which map and file share.
            flipLastByteOf(dir.resolve("j"), Entries.payload(70, 0));
            try (ChronicleJournalReader reader = (ChronicleJournalReader) j.newReader()) {
                assertThat(reader.read(1, PER_BATCH, PER_BATCH, Long.MAX_VALUE, new Entries.Collector())).isEqualTo(PER_BATCH);
                assertThatThrownBy(() -> reader.read(PER_BATCH + 1, 2 * PER_BATCH, PER_BATCH, Long.MAX_VALUE, new Entries.Collector()))
                    .isInstanceOf(JournalCorruptedException.class)
                    .hasMessageContaining("entry 70")
                    .hasMessageContaining("corrupt");
            }
        }
    }

    @Test
    void openingReadsLargeDocumentsFromTheFileAndStillRefusesDamageInsideTheLog() throws IOException {
        Assumptions.assumeTrue(OS.isLinux(), "readers read through the file on Linux only");
        JournalOptions options = JournalOptions.defaults().fileReadMinBytes(4096);
        List<Entries.Read> expected;
        try (ChronicleJournal j = ChronicleJournal.open(dir.resolve("j"), FsyncPolicy.NONE, options)) {
            expected = writeBatchesThenSingles(j);
        }
        try (ChronicleJournal reopened = ChronicleJournal.open(dir.resolve("j"), FsyncPolicy.NONE, options)) {
            Entries.assertSameEntries(Entries.readAll(reopened), expected, "after a reopen that scanned through the file");
        }
        flipLastByteOf(dir.resolve("j"), Entries.payload(70, 0)); // inside the second of twenty documents
        assertThatThrownBy(() -> ChronicleJournal.open(dir.resolve("j"), FsyncPolicy.NONE, options))
            .isInstanceOf(JournalCorruptedException.class)
            .hasMessageContaining("Raft index 70")
            .hasMessageContaining("not a torn tail");
    }

    /** Flips the last byte of the one place in the journal's cycle files where {@code payload} is found. */
    private static void flipLastByteOf(Path journalDir, byte[] payload) throws IOException {
        List<Path> cycleFiles;
        try (Stream<Path> files = Files.list(journalDir)) {
            cycleFiles = files.filter(f -> f.toString().endsWith(".cq4")).toList();
        }
        for (Path f : cycleFiles) {
            byte[] bytes = Files.readAllBytes(f);
            for (int at = 0; at + payload.length <= bytes.length; at++) {
                if (Arrays.equals(bytes, at, at + payload.length, payload, 0, payload.length)) {
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                        int last = at + payload.length - 1;
                        ch.write(ByteBuffer.wrap(new byte[] {(byte) ~bytes[last]}), last);
                    }
                    return;
                }
            }
        }
        throw new AssertionError("payload not found in " + cycleFiles);
    }

    @Test
    void aThresholdBelowOneByteIsRefused() {
        assertThatThrownBy(() -> new CycleFileReads(0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("got 0");
        assertThatThrownBy(() -> JournalOptions.defaults().fileReadMinBytes(-1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got -1");
    }
}
