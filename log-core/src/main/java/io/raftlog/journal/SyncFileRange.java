package io.raftlog.journal;

import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

/**
 * Linux's {@code sync_file_range(2)}, bound through jnr-ffi (which Chronicle's posix binding already brings):
 * writes a range of a file's dirty pages back and waits for them, and does nothing more.
 *
 * <p>Why not {@code msync(MS_SYNC)}, which write-behind used first: on ext4 that is an fsync of the range,
 * and an fsync ends with a flush of the disk's write cache. Write-behind does not need the bytes durable (the
 * checkpoint's force makes them so); it only needs them out of the page cache steadily. A cache flush per
 * megabyte written behind was, under W1 without fsync, about 100 flushes a second per node that nothing
 * waited for but the disk, and under W1 with fsync a fifth more flushes beside the tail files' own.
 */
final class SyncFileRange {
    /** Wait for write-out already in progress on the range, start it for every dirty page, wait for all of it. */
    private static final int WAIT_BEFORE_WRITE_WAIT_AFTER = 1 | 2 | 4;
    private static final LibC LIBC = load();

    /** The part of libc used here. */
    public interface LibC {
        @SaveError
        int sync_file_range(int fd, long offset, long nbytes, int flags);
    }

    private SyncFileRange() {
    }

    private static LibC load() {
        if (!Boolean.parseBoolean(System.getProperty("raftlog.journal.syncFileRange", "true"))) {
            return null; // for A/B measurement against msync
        }
        return Libc.bind(LibC.class); // null without a binding (not Linux, or no jnr): callers fall back to msync
    }

    static boolean available() {
        return LIBC != null;
    }

    /**
     * Writes back the dirty pages of {@code [offset, offset + length)} of {@code fd} and waits for them; returns
     * 0, or the errno of a failure.
     */
    static int writeAndWait(int fd, long offset, long length) {
        if (LIBC.sync_file_range(fd, offset, length, WAIT_BEFORE_WRITE_WAIT_AFTER) == 0) {
            return 0;
        }
        return Runtime.getRuntime(LIBC).getLastError();
    }
}
