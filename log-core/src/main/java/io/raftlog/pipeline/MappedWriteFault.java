package io.raftlog.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Names the cause of the one storage failure the JVM reports without one. A write through a memory map
 * (Chronicle's journal files) to a page the file system cannot back, most often because the disk is full, is a
 * SIGBUS; the JVM turns it into {@code InternalError: a fault occurred in a recent unsafe memory access
 * operation}, thrown at some later point of the same thread rather than at the write, and with nothing about
 * the disk in it. Measured on a 96 MiB ext4 loop device: the follower's raft thread saw exactly that.
 */
final class MappedWriteFault {
    private MappedWriteFault() {
    }

    /** {@code failure} with the likely cause named, when it is such a fault; otherwise null. */
    static RuntimeException explain(Throwable failure, Path journalDir) {
        if (!(failure instanceof InternalError) || failure.getMessage() == null
            || !failure.getMessage().contains("unsafe memory access")) {
            return null;
        }
        String where = journalDir == null ? "" : "; " + journalDir + " has " + usableSpace(journalDir);
        return new IllegalStateException("a write to the memory-mapped journal faulted (" + failure.getMessage()
            + "): the file system could not supply the page, most likely because the disk is full" + where, failure);
    }

    private static String usableSpace(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace() + " bytes usable";
        } catch (IOException | RuntimeException e) {
            return "unknown usable space (" + e.getMessage() + ")";
        }
    }
}
