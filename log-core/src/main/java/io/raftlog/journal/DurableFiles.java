package io.raftlog.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Small files replaced whole: a crash at any point leaves the old content or the new one, never a mix. */
final class DurableFiles {
    private DurableFiles() {
    }

    /**
     * Writes {@code content} to a temporary sibling, forces it, renames it over {@code file} and forces the
     * directory; returns once the new content survives a power loss.
     */
    static void replace(Path file, ByteBuffer content) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            while (content.hasRemaining()) {
                ch.write(content);
            }
            ch.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        ChronicleJournal.forceDirectory(file.toAbsolutePath().getParent());
    }
}
