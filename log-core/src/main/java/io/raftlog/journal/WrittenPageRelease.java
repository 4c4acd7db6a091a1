package io.raftlog.journal;

import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.core.OS;
import net.openhft.posix.PosixAPI;

/**
 * Drops the writer's page-table entries for the part of the mapped cycle file it has finished writing
 * ({@code madvise(MADV_DONTNEED)} on the shared file mapping), a megabyte at a time. Writer thread only.
 *
 * <p>Why: a dirty page that is still mapped writable must be write-protected again before the kernel can
 * write it back, and every such page costs a TLB shoot-down: an inter-processor interrupt to every core
 * running the process, which in a virtual machine traps to the hypervisor. With Chronicle's default
 * 64 MiB chunks most of what a checkpoint forces is still mapped: perf showed the checkpoint's
 * {@code fdatasync} spending 18% of all samples of W1 with fsync in {@code folio_mkclean -> flush_tlb_mm_range
 * -> x2apic_send_IPI}. Dropping the entries behind the writer costs one flush per megabyte instead of one
 * per page, and the kernel's own background write-back in the non-durable mode gains the same.
 *
 * <p>Safety: for a shared file mapping {@code MADV_DONTNEED} keeps the data: the pages stay in the page
 * cache with their dirty state, and a later access (a reader, Chronicle updating an index entry) faults
 * them back in. Only the store the writer holds at that moment is advised, and only below its write
 * position, so the range is mapped for the whole call. Where the native binding is missing this does
 * nothing (correct, just slower).
 */
final class WrittenPageRelease {
    /** Released at a time: a syscall and one TLB flush per megabyte of journal. */
    static final long STEP_BYTES = 1 << 20;
    /** Left mapped just below the write position, where the next documents and Chronicle's header updates go. */
    static final long KEEP_BYTES = 64 * 1024;
    private static final int MADV_DONTNEED = 4;

    private final PosixAPI posix;
    private final long pageSize = OS.pageSize();
    private MappedBytesStore store;
    private long releasedTo;

    private WrittenPageRelease(PosixAPI posix) {
        this.posix = posix;
    }

    /** A release for this platform, or null where there is no way to advise the kernel. */
    static WrittenPageRelease create() {
        if (!OS.isLinux()) {
            return null;
        }
        try {
            return new WrittenPageRelease(PosixAPI.posix());
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** After a document was written into {@code current} up to file position {@code writePosition}. */
    void wrote(MappedBytesStore current, long writePosition) {
        if (current != store) {
            store = current;
            releasedTo = current.start();
        }
        long to = writePosition - KEEP_BYTES;
        to -= to % pageSize;
        if (to - releasedTo < STEP_BYTES) {
            return;
        }
        // A failure is harmless (the pages just stay mapped) and would repeat: not checked.
        posix.madvise(current.addressForWrite(releasedTo), to - releasedTo, MADV_DONTNEED);
        releasedTo = to;
    }
}
