package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.raftlog.pipeline.Await;

class JournalPretoucherTest {
    private static final long MIB = 1 << 20;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private File sparse(String name, long size) throws IOException {
        File f = dir.resolve(name).toFile();
        try (RandomAccessFile raf = new RandomAccessFile(f, "rw")) {
            raf.setLength(size);
        }
        return f;
    }

    @Test
    void readsAheadOfTheWriterByItsDistanceAndNoFurtherThanTheFileEnds() throws IOException {
        File file = sparse("a.cq4", 4 * MIB);
        try (JournalPretoucher p = new JournalPretoucher("test-pretouch", MIB)) {
            p.writingTo(file);
            Await.until("touched to the first MiB", WAIT, () -> p.touchedTo(file) == MIB);

            p.wroteUpTo(2 * MIB + MIB / 2);
            Await.until("touched a MiB past the writer", WAIT, () -> p.touchedTo(file) == 3 * MIB + MIB / 2);

            p.wroteUpTo(3 * MIB + 900 * 1024);
            Await.until("touched to the end of the file", WAIT, () -> p.touchedTo(file) == 4 * MIB);
            assertThat(p.isRunning()).isTrue();
        }
    }

    @Test
    void followsTheWriterToTheNextFileAndSurvivesFilesThatDisappear() throws IOException {
        File first = sparse("first.cq4", 2 * MIB);
        File second = sparse("second.cq4", 2 * MIB);
        JournalPretoucher p = new JournalPretoucher("test-pretouch", MIB);
        try {
            p.writingTo(first);
            Await.until("touched the first file", WAIT, () -> p.touchedTo(first) == MIB);

            p.wroteUpTo(0); // a roll starts the new file at its beginning
            p.writingTo(second);
            Await.until("touched the second file", WAIT, () -> p.touchedTo(second) == MIB);

            Files.delete(second.toPath()); // compaction removes files under it
            p.writingTo(dir.resolve("never-created.cq4").toFile());
            p.wroteUpTo(MIB);
            File third = sparse("third.cq4", 4 * MIB);
            p.writingTo(third);
            Await.until("touched the third file after the missing one", WAIT, () -> p.touchedTo(third) == 2 * MIB);
            assertThat(p.isRunning()).isTrue();
        } finally {
            p.close();
        }
        assertThat(p.isRunning()).as("close stops the thread").isFalse();
    }
}
