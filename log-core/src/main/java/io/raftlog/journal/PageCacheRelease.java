package io.raftlog.journal;

/**
 * {@code posix_fadvise(POSIX_FADV_DONTNEED)}, bound through jnr-ffi: tells the kernel to drop a range of a file's
 * clean, unmapped pages from the page cache. Dirty, mapped and in-flight pages are left where they are.
 */
final class PageCacheRelease {
    /** Linux's value on x86-64 and arm64 (s390x differs; there the hint would be another harmless one). */
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final LibC LIBC = Libc.bind(LibC.class);

    /** The part of libc used here. */
    public interface LibC {
        int posix_fadvise(int fd, long offset, long length, int advice);
    }

    private PageCacheRelease() {
    }

    static boolean available() {
        return LIBC != null;
    }

    /** Drops what it can of {@code [offset, offset + length)} of {@code fd}; returns 0 or the error number. */
    static int release(int fd, long offset, long length) {
        return LIBC.posix_fadvise(fd, offset, length, POSIX_FADV_DONTNEED);
    }
}
