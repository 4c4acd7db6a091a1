package io.raftlog.journal;

import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.core.OS;
import net.openhft.posix.PosixAPI;

/**
 * Keeps the writer's page-table entries where they help: filled in ahead of its write position while it copies
 * documents through the map, in one system call per step, and dropped behind it a megabyte at a time. Writer
 * thread only.
 *
 * <p><b>Ahead ({@code madvise(MADV_POPULATE_WRITE)}).</b> The pretoucher brings the pages ahead into the page
 * cache, but the writer's own mapping still has no entries for them, so each new 4 KiB page costs the writer a
 * page-fault trap (two when Chronicle reads a header first). On the benchmark VM a trap is an exit to the
 * hypervisor: W1 none took 17 k faults a second on each raft thread, and 24% of all CPU samples were
 * {@code exc_page_fault}, most of it the trap rather than the kernel's handling. Asking the kernel to fill
 * in the entries for half a megabyte at once (as if written, without touching the memory) replaces 128 traps
 * with one system call. The pages it marks dirty hold the zeros they already held, and only within the store's
 * chunk, which Chronicle has already grown the file to cover; a forced write-back of them writes zeros where
 * the file reads zeros. Kernels older than 5.14 refuse the advice; then this stops asking.
 *
 * <p><b>Behind ({@code madvise(MADV_DONTNEED)}).</b> A dirty page that is still mapped writable must be
 * write-protected again before the kernel can write it back, and every such page costs a TLB shoot-down: an
 * inter-processor interrupt to every core running the process, which in a virtual machine traps to the
 * hypervisor. With Chronicle's default 64 MiB chunks most of what a checkpoint forces is still mapped: perf
 * showed the checkpoint's {@code fdatasync} spending 18% of all samples of W1 with fsync in
 * {@code folio_mkclean -> flush_tlb_mm_range -> x2apic_send_IPI}. Dropping the entries behind the writer
 * costs one flush per megabyte instead of one per page, and the kernel's own background write-back in the
 * non-durable mode gains the same. For a shared file mapping this keeps the data: the pages stay in the page
 * cache with their dirty state, and a later access (a reader, Chronicle updating an index entry) faults them
 * back in.
 *
 * <p><b>Ahead only for documents written through the map.</b> A document written with {@code pwrite}
 * ({@link CycleFileWrites}, the large ones) touches the map only where Chronicle writes its header: one page per
 * document, not the 20 or so under an 80 KiB batch of W1. Filling in entries for every page ahead then cost
 * more than the faults it saved (10% of all CPU samples of W1 none were these {@code madvise} calls on the raft
 * threads, 60% of that populating pages the writer would never touch), so entries are filled
 * in ahead only after a document went through the map; a document through the file leaves them as they are.
 *
 * <p>Only the store the writer holds at that moment is advised, and only where it maps the file, so the range
 * is mapped for the whole call. A failed call is harmless (the writer just takes the faults, or the pages stay
 * mapped) and is not retried. Where the native binding is missing this is not created (correct, just slower).
 */
final class WriterPageTables {
    /** Released at a time: a syscall and one TLB flush per megabyte of journal. */
    static final long RELEASE_STEP_BYTES = 1 << 20;
    /** Left mapped just below the write position, where the next documents and Chronicle's header updates go. */
    static final long KEEP_BYTES = 64 * 1024;
    private static final int MADV_DONTNEED = 4;
    private static final int MADV_POPULATE_WRITE = 23;
    private static final int EINVAL = 22;

    private final PosixAPI posix;
    private final long pageSize = OS.pageSize();
    private final boolean release;
    /** How far ahead of the write position entries are filled in (0: not at all); refilled when half is used. */
    private long populateAheadBytes;
    private MappedBytesStore store;
    private long releasedTo;
    private long populatedTo;

    private WriterPageTables(PosixAPI posix, boolean release, long populateAheadBytes) {
        this.posix = posix;
        this.release = release;
        this.populateAheadBytes = populateAheadBytes;
    }

    /**
     * Page tables kept this way for this platform, or null where there is nothing to do or no way to advise the
     * kernel.
     *
     * @param release drop the entries behind the writer
     * @param populateAheadBytes fill in entries this far ahead of the writer (0: do not)
     */
    static WriterPageTables create(boolean release, long populateAheadBytes) {
        if (populateAheadBytes < 0) {
            throw new IllegalArgumentException("populate distance must be >= 0, got " + populateAheadBytes);
        }
        if (!OS.isLinux() || (!release && populateAheadBytes == 0)) {
            return null;
        }
        try {
            return create(PosixAPI.posix(), release, populateAheadBytes);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** With this binding to the kernel (tests pass one that refuses the advice). */
    static WriterPageTables create(PosixAPI posix, boolean release, long populateAheadBytes) {
        return new WriterPageTables(posix, release, populateAheadBytes);
    }

    /**
     * After a document was written into {@code current} up to file position {@code writePosition}, its bytes
     * copied through the map ({@code throughMap}) or written to the file with {@code pwrite}.
     */
    void wrote(MappedBytesStore current, long writePosition, boolean throughMap) {
        if (current != store) {
            store = current;
            releasedTo = current.start();
            populatedTo = writePosition;
        }
        if (release) {
            releaseBehind(current, writePosition);
        }
        if (throughMap && populateAheadBytes > 0 && populatedTo - writePosition < populateAheadBytes / 2) {
            populateAhead(current, writePosition);
        }
    }

    private void releaseBehind(MappedBytesStore current, long writePosition) {
        long to = writePosition - KEEP_BYTES;
        to -= to % pageSize;
        if (to - releasedTo < RELEASE_STEP_BYTES) {
            return;
        }
        posix.madvise(current.addressForWrite(releasedTo), to - releasedTo, MADV_DONTNEED);
        releasedTo = to;
    }

    private void populateAhead(MappedBytesStore current, long writePosition) {
        long from = Math.max(populatedTo, writePosition);
        from -= from % pageSize;
        // Within the store's chunk: the overlap past it belongs to the next store's mapping as well.
        long to = Math.min(writePosition + populateAheadBytes, current.safeLimit());
        to -= to % pageSize;
        populatedTo = Math.max(populatedTo, to);
        if (to <= from || !current.inside(from, to - from)) {
            return;
        }
        if (posix.madvise(current.addressForWrite(from), to - from, MADV_POPULATE_WRITE) != 0
            && posix.lastError() == EINVAL) {
            populateAheadBytes = 0; // a kernel without MADV_POPULATE_WRITE: it will never take it
        }
    }

    /** Whether entries are still being filled in ahead (false once the kernel refused the advice). */
    boolean populating() {
        return populateAheadBytes > 0;
    }
}
