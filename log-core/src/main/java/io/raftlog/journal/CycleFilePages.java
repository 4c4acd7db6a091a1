package io.raftlog.journal;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

import net.openhft.chronicle.core.OS;
import net.openhft.posix.PosixAPI;
import net.openhft.posix.PosixRuntimeException;

/**
 * The page cache of one cycle file, for {@link JournalPretoucher}: brings ranges ahead of the writer in
 * ({@link #load}) and writes ranges behind it back to disk ({@link #writeBack}), in steps short enough that
 * neither holds a core or the disk for long.
 *
 * <p>Why not just {@code read}: a sequential reader makes the kernel read ahead, and on a sparse file that
 * means zero-filling the whole read-ahead window (8 MiB with the benchmark machine's {@code read_ahead_kb})
 * inside one system call. That kernel runs with {@code PREEMPT_NONE}: measured with {@code perf sched}, the
 * three nodes' pretouchers ran about 10 ms per slice and the transport threads waited up to 40 ms for a core,
 * which stalled the whole pipeline about twenty times a second. {@code madvise(MADV_WILLNEED)} on a read-only
 * mapping populates exactly the range asked for, copies nothing to user space, and never touches the mapped
 * memory (so a file shrunk under it cannot fault this thread). Where that is unavailable (no native posix
 * binding, not Linux), a plain {@code pread} into a small buffer is the fallback.
 */
abstract class CycleFilePages implements AutoCloseable {
    /** Largest range one call brings in: 32 pages, a fraction of a millisecond of zero-filling. */
    static final int STEP_BYTES = 128 * 1024;

    /**
     * The best implementation this platform has for {@code file}; {@code writable} opens it for writing, which
     * {@link #writeBack} needs (the kernel ignores msync on a shared mapping of a file opened read-only). Nothing
     * here ever writes the file's bytes. With {@code flushEachStep}, each write-back step is an
     * {@code msync(MS_SYNC)}, which on ext4 also flushes the disk's write cache; without, it is a
     * {@code sync_file_range} ({@link SyncFileRange}) where that is bound, which writes back and waits only.
     */
    static CycleFilePages open(File file, boolean writable, boolean flushEachStep) throws IOException {
        if (OS.isLinux()) {
            try {
                return new Advised(file, writable, flushEachStep);
            } catch (PosixRuntimeException | UnsatisfiedLinkError | NoClassDefFoundError e) {
                // no native binding here: fall through to reading
            }
        }
        return new Reading(file);
    }

    /** The file's current length. */
    abstract long size() throws IOException;

    /**
     * Brings in up to {@link #STEP_BYTES} starting at {@code position}; returns how many bytes that covered
     * (at least 1 when {@code position < size()}), or 0 when there is nothing to load there.
     */
    abstract int load(long position, long limit) throws IOException;

    /**
     * Writes back, and waits for, the dirty pages of up to {@link #WRITE_BACK_STEP_BYTES} starting at
     * {@code position}; returns how many bytes that covered, or 0 when this cannot (the caller then leaves all
     * of it to the next full force).
     */
    abstract int writeBack(long position, long limit) throws IOException;

    /**
     * Drops the clean pages no one maps of the range from the page cache, from the page holding {@code position} up
     * to the page holding its end (a hint: what the kernel keeps, and failures, change only speed).
     */
    abstract void release(long position, long length);

    @Override
    public abstract void close();

    /** Largest range one write-back covers: about 2 ms of the disk, so a flush waits at most that long behind it. */
    static final int WRITE_BACK_STEP_BYTES = 1 << 20;

    /** madvise(MADV_WILLNEED) over a read-only shared mapping of a window of the file. */
    private static final class Advised extends CycleFilePages {
        private static final int O_RDONLY = 0;
        private static final int O_RDWR = 2;
        private static final int SEEK_END = 2;
        private static final int PROT_READ = 1;
        private static final int MAP_SHARED = 1;
        private static final int MADV_WILLNEED = 3;
        private static final int MS_SYNC = 4;
        /** Mapped at a time; address space only, nothing is ever read through it. */
        private static final long WINDOW_BYTES = 256L << 20;

        private final PosixAPI posix = PosixAPI.posix();
        private final File file;
        private final int fd;
        private final long pageSize = OS.pageSize();
        private long windowStart = -1;
        private long windowAddress;

        private final boolean writable;
        private final boolean flushEachStep;

        Advised(File file, boolean writable, boolean flushEachStep) throws IOException {
            this.file = file;
            this.writable = writable;
            this.flushEachStep = flushEachStep;
            this.fd = posix.open(file.getPath(), writable ? O_RDWR : O_RDONLY, 0);
            if (fd < 0) {
                throw new IOException("cannot open " + file + ": " + posix.lastErrorStr());
            }
        }

        @Override
        long size() throws IOException {
            long size = posix.lseek(fd, 0, SEEK_END);
            if (size < 0) {
                throw new IOException("cannot size " + file + ": " + posix.lastErrorStr());
            }
            return size;
        }

        @Override
        int load(long position, long limit) throws IOException {
            if (position >= limit) {
                return 0;
            }
            long start = mapWindowHolding(position);
            long end = Math.min(Math.min(limit, position + STEP_BYTES), start + WINDOW_BYTES);
            long from = position - position % pageSize; // madvise wants a page-aligned address
            if (posix.madvise(windowAddress + (from - start), end - from, MADV_WILLNEED) != 0) {
                throw new IOException("madvise on " + file + " at " + from + ": " + posix.lastErrorStr());
            }
            return (int) (end - position);
        }

        @Override
        int writeBack(long position, long limit) throws IOException {
            if (!writable || position >= limit) {
                return 0;
            }
            long start = mapWindowHolding(position);
            long end = Math.min(Math.min(limit, position + WRITE_BACK_STEP_BYTES), start + WINDOW_BYTES);
            long from = position - position % pageSize;
            if (!flushEachStep && SyncFileRange.available()) {
                // Writes that range of the file back (whoever dirtied it) and waits, without a disk cache flush.
                int errno = SyncFileRange.writeAndWait(fd, from, end - from);
                if (errno != 0) {
                    throw new IOException("sync_file_range on " + file + " at " + from + ": errno " + errno);
                }
            } else if (posix.msync(windowAddress + (from - start), end - from, MS_SYNC) != 0) {
                // msync(MS_SYNC) of a shared mapping writes the range back too, then flushes the disk's cache.
                throw new IOException("msync on " + file + " at " + from + ": " + posix.lastErrorStr());
            }
            return (int) (end - position);
        }

        @Override
        void release(long position, long length) {
            if (PageCacheRelease.available()) {
                // Whole pages from the page holding position: consecutive calls then leave no page between them.
                long from = position - position % pageSize;
                long to = position + length - (position + length) % pageSize;
                PageCacheRelease.release(fd, from, to - from);
            }
        }

        /** Maps the window of the file that holds {@code position}, unless it is mapped; returns its start. */
        private long mapWindowHolding(long position) throws IOException {
            long start = position - position % WINDOW_BYTES;
            if (start != windowStart) {
                unmap();
                long address = posix.mmap(0, WINDOW_BYTES, PROT_READ, MAP_SHARED, fd, start);
                if (address == -1 || address == 0) {
                    throw new IOException("cannot map " + file + " at " + start + ": " + posix.lastErrorStr());
                }
                windowStart = start;
                windowAddress = address;
            }
            return start;
        }

        private void unmap() {
            if (windowStart >= 0) {
                posix.munmap(windowAddress, WINDOW_BYTES);
                windowStart = -1;
            }
        }

        @Override
        public void close() {
            unmap();
            posix.close(fd);
        }
    }

    /** pread into a scratch buffer: portable, but lets the kernel read ahead as it likes. */
    private static final class Reading extends CycleFilePages {
        private final FileChannel channel;
        private final ByteBuffer sink = ByteBuffer.allocateDirect(STEP_BYTES);

        Reading(File file) throws IOException {
            this.channel = FileChannel.open(file.toPath(), StandardOpenOption.READ);
        }

        @Override
        long size() throws IOException {
            return channel.size();
        }

        @Override
        int load(long position, long limit) throws IOException {
            if (position >= limit) {
                return 0;
            }
            sink.clear();
            sink.limit((int) Math.min(STEP_BYTES, limit - position));
            return Math.max(0, channel.read(sink, position));
        }

        @Override
        int writeBack(long position, long limit) {
            return 0; // a FileChannel can only force the whole file
        }

        @Override
        void release(long position, long length) {
            // nothing to do it with
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // a read-only channel: nothing to lose
            }
        }
    }
}
