package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.openhft.chronicle.core.OS;
import net.openhft.posix.PosixAPI;

/** The binding write-behind relies on is there on Linux, reaches the kernel, and reports its errors. */
class SyncFileRangeTest {

    @TempDir
    Path dir;

    @Test
    void writesBackARangeOfARealFileAndReportsABadDescriptor() throws IOException {
        assumeTrue(OS.isLinux(), "sync_file_range is Linux's");
        assertThat(SyncFileRange.available()).as("bound through jnr-ffi").isTrue();
        Path file = dir.resolve("f");
        Files.write(file, new byte[64 * 1024]);
        PosixAPI posix = PosixAPI.posix();
        int fd = posix.open(file.toString(), 2, 0);
        assertThat(fd).isNotNegative();
        try {
            assertThat(SyncFileRange.writeAndWait(fd, 0, 64 * 1024)).isZero();
        } finally {
            posix.close(fd);
        }
        assertThat(SyncFileRange.writeAndWait(fd, 0, 4096)).as("errno of a closed descriptor").isEqualTo(9); // EBADF
    }
}
