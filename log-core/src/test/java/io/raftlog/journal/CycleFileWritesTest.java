package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.openhft.chronicle.core.OS;

/**
 * Large documents' bytes reach the cycle file with pwrite ({@link CycleFileWrites}) and read back through the
 * map as if copied there; small ones still go through the map; an interrupted thread is left to the map and a
 * failed write names the file.
 */
class CycleFileWritesTest {

    @TempDir
    Path dir;

    @Test
    void batchesGoThroughTheFileAndSingleEntriesThroughTheMapAndBothReadBackTheSame() throws IOException {
        Assumptions.assumeTrue(OS.isLinux(), "the journal writes through the file on Linux only");
        List<Entries.Read> written;
        try (ChronicleJournal j = ChronicleJournal.open(dir.resolve("j"), FsyncPolicy.NONE,
            JournalOptions.defaults().fileWriteMinBytes(4096))) {
            long index = 1;
            for (int batch = 0; batch < 20; batch++) {
                for (int i = 0; i < 64; i++) { // 64 records of about 100 bytes: one document of about 6 KiB
                    Entries.append(j, index++, 1, 0);
                }
                j.writePending();
                assertThat(j.fileCopies()).as("documents written through the file after batch %d", batch).isEqualTo(batch + 1);
            }
            for (int i = 0; i < 10; i++) {
                Entries.append(j, index++, 1, 0);
                j.writePending();
            }
            assertThat(j.fileCopies()).as("single records still go through the map").isEqualTo(20);
            written = Entries.readAll(j);
            assertThat(written).hasSize(20 * 64 + 10);
        }
        try (ChronicleJournal reopened = ChronicleJournal.open(dir.resolve("j"), FsyncPolicy.NONE)) {
            assertThat(reopened.lastIndex()).isEqualTo(written.size());
            Entries.assertSameEntries(Entries.readAll(reopened), written, "after a reopen");
        }
    }

    @Test
    void offCopiesEveryDocumentThroughTheMap() throws IOException {
        try (ChronicleJournal j = ChronicleJournal.open(dir.resolve("j"), FsyncPolicy.NONE,
            JournalOptions.defaults().fileWriteMinBytes(0))) {
            for (long index = 1; index <= 64; index++) {
                Entries.append(j, index, 1, 0);
            }
            j.writePending();
            assertThat(j.fileCopies()).isZero();
            assertThat(Entries.readAll(j)).hasSize(64);
        }
    }

    @Test
    void anInterruptedThreadIsLeftToTheMapAndItsNextWriteGoesThroughTheFile() throws IOException {
        Path file = Files.write(dir.resolve("cycle"), new byte[8192]);
        UnsafeBuffer src = new UnsafeBuffer(new byte[100]);
        src.setMemory(0, 100, (byte) 7);
        try (CycleFileWrites writes = new CycleFileWrites(1)) {
            Thread.currentThread().interrupt();
            try {
                assertThat(writes.write(file.toFile(), 4096, src, 10, 50)).as("written while interrupted").isFalse();
            } finally {
                Thread.interrupted();
            }
            assertThat(writes.write(file.toFile(), 4096, src, 10, 50)).isTrue();
            assertThat(writes.writes()).isEqualTo(1);
        }
        byte[] onFile = Files.readAllBytes(file);
        assertThat(onFile[4095]).isZero();
        assertThat(onFile[4096]).isEqualTo((byte) 7);
        assertThat(onFile[4096 + 49]).isEqualTo((byte) 7);
        assertThat(onFile[4096 + 50]).isZero();
        assertThat(onFile).hasSize(8192);
    }

    @Test
    void aWriteThatFailsNamesTheFileAndThrows() {
        UnsafeBuffer src = new UnsafeBuffer(new byte[16]);
        try (CycleFileWrites writes = new CycleFileWrites(1)) {
            assertThatThrownBy(() -> writes.write(dir.toFile(), 0, src, 0, 16)) // a directory cannot be written
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("writing 16 bytes at 0 of " + dir);
        }
    }

    @Test
    void aThresholdBelowOneByteIsRefused() {
        assertThatThrownBy(() -> new CycleFileWrites(0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("got 0");
    }
}
