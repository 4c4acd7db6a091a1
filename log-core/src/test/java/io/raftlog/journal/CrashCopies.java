package io.raftlog.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** Copies of a journal's files as a process killed at that instant would leave them (the page cache survives). */
final class CrashCopies {
    private CrashCopies() {
    }

    /** Copies every file of {@code from} into {@code to} (created if missing), replacing what is there. */
    static void copyDirectory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                try {
                    Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                } catch (NoSuchFileException gone) {
                    // Renamed away while we copied (a seal's temporary file): a crash then would not have it either.
                }
            }
        }
    }

    /** A hook that copies {@code from} to {@code to} when run: what the page cache holds at that moment. */
    static Runnable copyingTo(Path from, Path to) {
        return () -> {
            try {
                copyDirectory(from, to);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
