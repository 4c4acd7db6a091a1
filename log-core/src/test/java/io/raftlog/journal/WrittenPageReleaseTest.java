package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer drops its mapping of finished pages ({@link WrittenPageRelease}) without losing a byte: what it
 * wrote stays in the page cache and reads back the same through the journal and after a reopen.
 *
 * <p>It counts the pages the process maps ({@code Rss}), not the dirty ones: the pretoucher's write-behind
 * (on under fsync=none) and the kernel's own write-back clean pages at their own pace, which made a dirty count
 * of the control case depend on how fast the machine's disk was (CI saw 5.6 of 8 MiB still dirty).
 */
class WrittenPageReleaseTest {

    @TempDir
    Path dir;

    @Test
    void finishedPagesLeaveTheWritersMappingAndKeepTheirData() throws IOException {
        Assumptions.assumeTrue(MappedPages.observable(dir), "needs Linux /proc/self/smaps and a temp dir that is not tmpfs");
        List<Entries.Read> written;
        try (ChronicleJournal kept = ChronicleJournal.open(dir.resolve("kept"), FsyncPolicy.NONE,
            // Write-behind off too: pages it cleans are ones the kernel may reclaim (and unmap) under memory pressure.
            ChronicleJournal.Options.defaults().releaseWrittenPages(false).writeBehind(false))) {
            ChronicleJournalDurabilityTest.appendMegabytes(kept, 8);
            assertThat(MappedPages.residentKilobytes(MappedPages.onlyCycleFile(dir.resolve("kept"))))
                .as("without the release, everything written is still mapped").isGreaterThan(7 * 1024);
            written = Entries.readAll(kept);
        }
        try (ChronicleJournal released = ChronicleJournal.open(dir.resolve("released"), FsyncPolicy.NONE)) {
            ChronicleJournalDurabilityTest.appendMegabytes(released, 8);
            long mappedKb = MappedPages.residentKilobytes(MappedPages.onlyCycleFile(dir.resolve("released")));
            // At most a step and the kept margin below the writer, plus Chronicle's header and index pages and
            // the kernel's fault-around of reads just ahead of the writer.
            long bound = (WrittenPageRelease.STEP_BYTES + WrittenPageRelease.KEEP_BYTES) / 1024 + 256;
            assertThat(mappedKb).as("kB still mapped after 8 MiB").isLessThan(bound);
            Entries.assertSameEntries(Entries.readAll(released), written, "read back after the release");
        }
        try (ChronicleJournal reopened = ChronicleJournal.open(dir.resolve("released"), FsyncPolicy.NONE)) {
            Entries.assertSameEntries(Entries.readAll(reopened), written, "after a reopen");
        }
    }
}
