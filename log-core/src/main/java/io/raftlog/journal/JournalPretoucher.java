package io.raftlog.journal;

import java.io.File;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the part of the current cycle file just ahead of the writer into the page cache, on its own thread,
 * so the raft thread's writes through the memory map find their pages there.
 *
 * <p>Why: Chronicle's cycle files are sparse. The first write to a page of a hole faults, and the kernel's
 * fault path reads ahead a large window of the file, zero-filling every page of it, while the writer waits.
 * On the benchmark machine that came as an 18 ms stall of the raft thread every 8 MiB of journal (perf:
 * {@code filemap_fault -> page_cache_ra_order -> ext4_mpage_readpages -> memset}), which alone put W1's p99
 * near 40 ms. Loading the range here (see {@link CycleFilePages} for how, in small steps) runs that
 * zero-fill on this thread instead; the writer's fault then only maps a page that is already cached.
 *
 * <p>With {@code writeBehind} (fsync=batch with tail files) it also writes back, a megabyte at a time, what the
 * writer left {@link #WRITE_BEHIND_BYTES} behind. Without it the cycle files' pages stay dirty until the next
 * checkpoint forces them: three nodes' 24 MiB at once, 40 or more requests of 2 MiB queued on the disk for
 * 50-75 ms (sampled from /proc/diskstats) with every flush's small write waiting behind them, the periodic
 * 30-55 ms stalls of W1 with fsync. Written back as it goes, in steps that each wait for the disk, the same
 * bytes never queue up. Only an optimisation: the checkpoint still forces the files whole.
 *
 * <p>With write-behind it also drops from the page cache what lies more than {@code cachedBehindBytes} behind
 * the written-back part, a step at a time ({@code posix_fadvise(DONTNEED)}: the kernel frees only clean pages no
 * one maps), so each node's journal keeps a bounded window in memory and new pages reuse the ones just freed.
 * Why: on the benchmark VM a page the kernel has not used for a few seconds has been handed back to the host
 * (virtio-balloon free page reporting), and the first touch of it costs a fault in the host. Zero-filling such
 * fresh pages for the three journals was 12-31% of all CPU samples of W1 without fsync on a machine whose free
 * memory had been handed back (less right after other work freed memory, which is cheap to touch again); a page
 * freed and reused within a second costs a fraction of that (reading a new 512 MiB sparse file: 480-550 MB/s
 * with fresh pages, 3.8-4.3 GB/s right after dropping another file's pages, back to 524 MB/s after waiting 3 s).
 * Aeron's rotating term buffers reuse memory in the same spirit. A reader further behind than the window reads
 * from the disk.
 *
 * <p>Safety: this thread never reads or writes the journal's bytes, so however it races with the writer,
 * a roll or a compaction it cannot change the journal's contents. It stays within the file's current size
 * and at most {@code aheadBytes} beyond the writer. Failures (a file compacted away under it) are ignored:
 * the worst outcome is the stall it exists to avoid.
 */
final class JournalPretoucher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JournalPretoucher.class);
    /**
     * How long it sleeps once caught up: a tenth of a megabyte at the fastest a node writes, against 32 MiB
     * of look-ahead; a roll to a new file wakes it at once.
     */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * How far behind the writer write-back stays: past the part the writer still maps (it releases its
     * mapping a megabyte at a time, {@link WriterPageTables}), so cleaning a page needs no TLB shoot-down.
     */
    static final long WRITE_BEHIND_BYTES = 2L << 20;

    private final long aheadBytes;
    private final boolean writeBehind;
    private final boolean flushEachStep;
    private final long cachedBehindBytes;
    private final int niceIncrement;
    private final AtomicLong writerPosition = new AtomicLong();
    private final Thread thread;
    private volatile File writerFile;
    private volatile boolean closed;
    /** What {@link #touchedTo} reached in which file, for tests and metrics. */
    private volatile File reportedFile;
    private volatile long reportedTo;

    // pretouch thread only
    private File touchingFile;
    private CycleFilePages pages;
    private long touchedTo;
    private long writtenBackTo;
    private volatile long writtenBackReported;

    /**
     * @param writeBehind   also write back what the writer left behind
     * @param flushEachStep each write-back step also flushes the disk's write cache ({@link CycleFilePages#open})
     * @param cachedBehindBytes with write-behind, how much behind the written-back part stays cached (negative: all)
     * @param niceIncrement what the thread adds to its nice value first ({@link ThreadNice}; 0: nothing)
     */
    JournalPretoucher(String name, long aheadBytes, boolean writeBehind, boolean flushEachStep, long cachedBehindBytes,
                      int niceIncrement) {
        this.aheadBytes = aheadBytes;
        this.writeBehind = writeBehind;
        this.flushEachStep = flushEachStep;
        this.cachedBehindBytes = cachedBehindBytes;
        this.niceIncrement = niceIncrement;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Writer thread, on every roll to a new cycle file (and once at open), after {@link #wroteUpTo} has been
     * given the first position in that file.
     */
    void writingTo(File cycleFile) {
        writerFile = cycleFile;
        LockSupport.unpark(thread);
    }

    /** Writer thread, after each record: where in the current cycle file the next one goes (a plain ordered store). */
    void wroteUpTo(long filePosition) {
        writerPosition.lazySet(filePosition);
    }

    private void run() {
        String unchanged = ThreadNice.lowerCurrentThread(niceIncrement);
        if (unchanged != null) {
            LOG.debug("{} keeps its priority: {}", Thread.currentThread().getName(), unchanged);
        }
        while (!closed) {
            boolean touched = false;
            try {
                touched = touchAhead();
                if (writeBehind) {
                    touched |= writeBackBehind();
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("pretouch of {} failed (harmless): {}", touchingFile, e.toString());
                closePages();
            }
            if (!touched) {
                LockSupport.parkNanos(this, IDLE_NANOS);
            }
        }
        closePages();
    }

    /** Reads one chunk ahead of the writer if one is due; false when there is nothing to do yet. */
    private boolean touchAhead() throws IOException {
        File file = writerFile;
        if (file == null) {
            return false;
        }
        long writer = writerPosition.get();
        if (file != touchingFile) {
            closePages();
            if (!file.exists()) {
                return false;
            }
            pages = CycleFilePages.open(file, writeBehind, flushEachStep);
            touchingFile = file;
            touchedTo = writer;
            writtenBackTo = writer; // what was written before this file was followed is the checkpoint's
            writtenBackReported = writer;
        }
        if (pages == null) {
            return false;
        }
        touchedTo = Math.max(touchedTo, writer); // fell behind: what the writer passed is already in memory
        long limit = Math.min(writer + aheadBytes, pages.size());
        int n = pages.load(touchedTo, limit);
        if (n <= 0) {
            return false;
        }
        touchedTo += n;
        reportedFile = touchingFile;
        reportedTo = touchedTo;
        return true;
    }

    /** Writes back one step of what the writer left far enough behind; false when none is due. */
    private boolean writeBackBehind() throws IOException {
        if (pages == null) {
            return false;
        }
        long limit = writerPosition.get() - WRITE_BEHIND_BYTES;
        if (limit - writtenBackTo < CycleFilePages.WRITE_BACK_STEP_BYTES) {
            return false; // whole steps only: fewer, larger requests (and where a step is an msync, one cache flush each)
        }
        int n = pages.writeBack(writtenBackTo, limit);
        if (n <= 0) {
            return false;
        }
        if (cachedBehindBytes >= 0 && writtenBackTo >= cachedBehindBytes) {
            pages.release(writtenBackTo - cachedBehindBytes, n); // clean since its own step, long unmapped by the writer
        }
        writtenBackTo += n;
        writtenBackReported = writtenBackTo;
        return true;
    }

    /** How far into the file being followed write-behind has reached (for tests). */
    long writtenBackTo() {
        return writtenBackReported;
    }

    private void closePages() {
        if (pages != null) {
            pages.close();
        }
        pages = null;
        touchingFile = null;
    }

    /** How far into {@code file} this has read (0 if it is not the file being touched). */
    long touchedTo(File file) {
        return file.equals(reportedFile) ? reportedTo : 0;
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
