package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * Why a file operation failed, in words: these exceptions' messages are only the path. Made exceptions, not real
 * files: as root (some test machines) no file refuses permission.
 */
class FileErrorsTest {

    @Test
    void describeNamesTheFileAndSaysWhy() {
        assertThat(FileErrors.describe(new NoSuchFileException("/proc/x.dat"))).isEqualTo("/proc/x.dat: no such file or directory");
        assertThat(FileErrors.describe(new AccessDeniedException("/etc/node.properties")))
            .isEqualTo("/etc/node.properties: permission denied");
        assertThat(FileErrors.describe(new NotDirectoryException("/a/file"))).isEqualTo("/a/file: not a directory");
        assertThat(FileErrors.describe(new FileSystemException("/mnt/x", null, "Read-only file system")))
            .isEqualTo("/mnt/x: Read-only file system");
        assertThat(FileErrors.describe(new IOException("Input/output error"))).isEqualTo("Input/output error");
    }

    /** "cannot read config file F: F" was the whole message of an AccessDeniedException. */
    @Test
    void whyNamesAnotherFileOnly() {
        Path config = Path.of("conf", "node.properties");
        assertThat(FileErrors.why(config, new AccessDeniedException(config.toString()))).isEqualTo("permission denied");
        assertThat(FileErrors.why(config, new AccessDeniedException("conf"))).isEqualTo("permission denied (conf)");
        assertThat(FileErrors.why(config, new IOException("Input/output error"))).isEqualTo("Input/output error");
    }
}
