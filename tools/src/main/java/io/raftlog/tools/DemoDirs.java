package io.raftlog.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.raftlog.bench.FileTrees;

/**
 * The demo's temp directories. Each gets an owner file naming the demo's process; a demo killed with SIGKILL
 * (no shutdown hook runs) leaves its directory behind, and the next demo removes every such directory whose
 * owner is no longer running. Its servers are gone by then too: they run with {@code --exit-with} the demo's
 * process. A directory kept on purpose ({@code --keep}) loses its owner file when its demo ends, and stays.
 */
final class DemoDirs {
    static final String PREFIX = "raftlog-demo-";
    static final String OWNER_FILE = "demo-owner.pid";

    private DemoDirs() {
    }

    /** A new demo directory in the system's temp directory, owned by this process. */
    static Path create() throws IOException {
        Path dir = Files.createTempDirectory(PREFIX);
        Files.writeString(dir.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()), StandardCharsets.US_ASCII);
        return dir;
    }

    /** Leaves {@code dir} to the user: no later demo removes it. */
    static void disown(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(OWNER_FILE));
    }

    /**
     * Removes the demo directories in {@code parent} whose owner process is not running; returns them. A directory
     * without a readable owner file (kept, or not a demo's) is left alone, and so is one that cannot be removed.
     */
    static List<Path> removeAbandoned(Path parent) {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, PREFIX + "*")) {
            for (Path dir : dirs) {
                Long owner = owner(dir);
                if (owner != null && ProcessHandle.of(owner).map(p -> !p.isAlive()).orElse(true)) {
                    try {
                        FileTrees.delete(dir);
                        removed.add(dir);
                    } catch (IOException e) {
                        System.err.println("raftlog demo: could not remove " + dir + " left by an earlier demo: " + e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            System.err.println("raftlog demo: could not look for directories left by earlier demos in " + parent + ": " + e.getMessage());
        }
        return removed;
    }

    private static Long owner(Path dir) {
        try {
            return Long.parseLong(Files.readString(dir.resolve(OWNER_FILE), StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
