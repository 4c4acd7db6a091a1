package io.raftlog.net.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * Why a data directory could not be created, in words. The messages of these exceptions are only the path, so the
 * node said "cannot create data directory X: X". Made exceptions, not real files: as root (some test machines) no
 * directory refuses permission.
 */
class DataDirErrorsTest {
    private final Path dir = Path.of("data", "node1");

    @Test
    void eachReasonIsSaidInWordsNamingAnotherFileOnlyWhenItIsNotTheDirectory() {
        assertThat(RaftServer.whyNotCreated(dir, new FileAlreadyExistsException(dir.toString())))
            .isEqualTo("it exists and is not a directory");
        assertThat(RaftServer.whyNotCreated(dir, new FileAlreadyExistsException("data")))
            .isEqualTo("data exists and is not a directory");
        assertThat(RaftServer.whyNotCreated(dir, new AccessDeniedException(dir.toAbsolutePath().toString())))
            .isEqualTo("permission denied");
        assertThat(RaftServer.whyNotCreated(dir, new AccessDeniedException("data"))).isEqualTo("permission denied (data)");
        assertThat(RaftServer.whyNotCreated(dir, new FileSystemException(dir.toString(), null, "Read-only file system")))
            .isEqualTo("Read-only file system");
        assertThat(RaftServer.whyNotCreated(dir, new IOException("disk on fire"))).isEqualTo("disk on fire");
    }
}
