package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import net.openhft.chronicle.core.OS;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CycleFilePagesTest {
    private static final int STEP = CycleFilePages.STEP_BYTES;

    @TempDir
    Path dir;

    @Test
    void onLinuxAdvisesTheKernelInsteadOfReading() throws IOException {
        File file = dir.resolve("a.cq4").toFile();
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            raf.setLength(STEP);
        }
        try (CycleFilePages loader = CycleFilePages.open(file, false, false)) {
            // CI and the benchmark machine are Linux: the fallback there would bring back the long kernel slices
            assertThat(loader.getClass().getSimpleName()).isEqualTo(OS.isLinux() ? "Advised" : "Reading");
        }
    }

    @Test
    void loadsInBoundedStepsUpToTheLimitFromAnUnalignedPosition() throws IOException {
        File file = dir.resolve("b.cq4").toFile();
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            raf.setLength(4L * STEP);
        }
        try (CycleFilePages loader = CycleFilePages.open(file, false, false)) {
            assertThat(loader.size()).isEqualTo(4L * STEP);
            long position = 1000; // a writer's position is never page-aligned
            long limit = 3L * STEP + 17;
            int calls = 0;
            int n;
            while ((n = loader.load(position, limit)) > 0) {
                assertThat(n).isLessThanOrEqualTo(STEP);
                position += n;
                calls++;
            }
            assertThat(position).isEqualTo(limit);
            assertThat(calls).as("steps of at most %d bytes", STEP).isEqualTo(3);
            assertThat(loader.load(limit, limit)).isZero();
        }
    }

    @Test
    void followsAFileThatGrowsAndNeverChangesItsBytes() throws IOException {
        File file = dir.resolve("c.cq4").toFile();
        byte[] written = new byte[3 * STEP];
        Arrays.fill(written, (byte) 0x5A);
        Files.write(file.toPath(), Arrays.copyOf(written, STEP));
        try (CycleFilePages loader = CycleFilePages.open(file, false, false)) {
            assertThat(loader.load(0, loader.size())).isEqualTo(STEP);
            try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
                raf.seek(STEP);
                raf.write(written, STEP, 2 * STEP);
            }
            assertThat(loader.size()).isEqualTo(3L * STEP);
            long position = STEP;
            while (position < loader.size()) {
                position += loader.load(position, loader.size());
            }
            assertThat(position).isEqualTo(3L * STEP);
        }
        assertThat(Files.readAllBytes(file.toPath())).isEqualTo(written);
    }

    @Test
    void aMissingFileIsAnErrorNamingIt() {
        File missing = dir.resolve("gone.cq4").toFile();
        assertThatThrownBy(() -> CycleFilePages.open(missing, false, false)).isInstanceOf(IOException.class).hasMessageContaining("gone.cq4");
    }
}
