package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.core.io.ReferenceOwner;
import net.openhft.posix.PosixAPI;

/**
 * The writer's page tables ({@link WriterPageTables}): it drops its mapping of finished pages without losing a
 * byte (what it wrote stays in the page cache and reads back the same through the journal and after a reopen),
 * and has the pages ahead of it mapped before it gets there without adding anything to the journal.
 *
 * <p>It counts the pages the process maps ({@code Rss}), not the dirty ones: the pretoucher's write-behind
 * (on under fsync=none) and the kernel's own write-back clean pages at their own pace, which made a dirty count
 * of the control case depend on how fast the machine's disk was (CI saw 5.6 of 8 MiB still dirty).
 */
class WriterPageTablesTest {

    @TempDir
    Path dir;

    @Test
    void finishedPagesLeaveTheWritersMappingAndKeepTheirData() throws IOException {
        Assumptions.assumeTrue(MappedPages.observable(dir), "needs Linux /proc/self/smaps and a temp dir that is not tmpfs");
        List<Entries.Read> written;
        try (ChronicleJournal kept = ChronicleJournal.open(dir.resolve("kept"), FsyncPolicy.NONE,
            // Write-behind off too: pages it cleans are ones the kernel may reclaim (and unmap) under memory pressure.
            // Every document through the map (no pwrite), so that the writer maps what it writes.
            JournalOptions.defaults().releaseWrittenPages(false).writeBehind(false).fileWriteMinBytes(0))) {
            ChronicleJournalDurabilityTest.appendMegabytes(kept, 8);
            assertThat(MappedPages.residentKilobytes(MappedPages.onlyCycleFile(dir.resolve("kept"))))
                .as("without the release, everything written is still mapped").isGreaterThan(7 * 1024);
            written = Entries.readAll(kept);
        }
        long populated = 1L << 20;
        try (ChronicleJournal released = ChronicleJournal.open(dir.resolve("released"), FsyncPolicy.NONE,
            JournalOptions.defaults().populateAheadBytes(populated).fileWriteMinBytes(0))) {
            ChronicleJournalDurabilityTest.appendMegabytes(released, 8);
            long mappedKb = MappedPages.residentKilobytes(MappedPages.onlyCycleFile(dir.resolve("released")));
            // At most a step and the kept margin below the writer, plus Chronicle's header and index pages, the
            // kernel's fault-around of reads just ahead of the writer, and what is populated ahead of it.
            long bound = (WriterPageTables.RELEASE_STEP_BYTES + WriterPageTables.KEEP_BYTES + populated) / 1024 + 256;
            assertThat(mappedKb).as("kB still mapped after 8 MiB").isLessThan(bound);
            Entries.assertSameEntries(Entries.readAll(released), written, "read back after the release");
        }
        try (ChronicleJournal reopened = ChronicleJournal.open(dir.resolve("released"), FsyncPolicy.NONE)) {
            Entries.assertSameEntries(Entries.readAll(reopened), written, "after a reopen");
        }
    }

    @Test
    void pagesAheadOfTheWriterAreMappedBeforeItWritesThemAndAddNothingToTheJournal() throws IOException {
        Assumptions.assumeTrue(MappedPages.observable(dir), "needs Linux /proc/self/smaps and a temp dir that is not tmpfs");
        // Release, pretoucher and write-behind off: only what the writer itself touched or populated is mapped.
        JournalOptions bare = JournalOptions.defaults().releaseWrittenPages(false)
            .writeBehind(false).pretouchAheadBytes(0);
        long ahead = 4L << 20;
        List<Entries.Read> written;
        long untouchedKb;
        try (ChronicleJournal faulting = ChronicleJournal.open(dir.resolve("faulting"), FsyncPolicy.NONE,
            bare.populateAheadBytes(0))) {
            Entries.append(faulting, 1, 1, 0);
            faulting.writePending();
            untouchedKb = MappedPages.residentKilobytes(MappedPages.onlyCycleFile(dir.resolve("faulting")));
            assertThat(untouchedKb).as("kB mapped after one entry, nothing populated").isLessThan(ahead / 1024 / 4);
        }
        try (ChronicleJournal populating = ChronicleJournal.open(dir.resolve("populating"), FsyncPolicy.NONE,
            bare.populateAheadBytes(ahead))) {
            Entries.append(populating, 1, 1, 0);
            populating.writePending();
            Assumptions.assumeTrue(populating.populatingPageTables(), "the kernel refused MADV_POPULATE_WRITE (before 5.14)");
            assertThat(MappedPages.residentKilobytes(MappedPages.onlyCycleFile(dir.resolve("populating"))))
                .as("kB mapped after one entry with %d kB populated ahead", ahead / 1024)
                .isGreaterThanOrEqualTo(untouchedKb + ahead / 1024 - 64);
            ChronicleJournalDurabilityTest.appendMegabytes(populating, 6);
            written = Entries.readAll(populating);
            assertThat(written).hasSize((int) populating.lastIndex());
        }
        try (ChronicleJournal reopened = ChronicleJournal.open(dir.resolve("populating"), FsyncPolicy.NONE)) {
            // The populated pages ahead hold zeros: after a reopen the journal ends where the writer stopped.
            assertThat(reopened.lastIndex()).isEqualTo(written.size());
            Entries.assertSameEntries(Entries.readAll(reopened), written, "after a reopen");
        }
    }

    @Test
    void aKernelThatRefusesToPopulateIsNotAskedAgainAndOtherFailuresAreOnlySkipped() throws IOException {
        assertThat(populateAdviceAfterThreeSteps(22)).as("after EINVAL (a kernel before 5.14)").hasSize(1);
        assertThat(populateAdviceAfterThreeSteps(14)).as("after EFAULT (say, a full disk)").hasSize(3);
    }

    @Test
    void onlyDocumentsWrittenThroughTheMapHaveThePagesAheadPopulated() throws IOException {
        List<Long> populateCalls = new ArrayList<>();
        long ahead = 256 * 1024;
        WriterPageTables tables = WriterPageTables.create(kernel(populateCalls, 0), false, ahead);
        onMappedStore("mapped", store -> {
            long position = 4096;
            for (int i = 0; i < 3; i++, position += ahead) {
                tables.wrote(store, position, false);
            }
            assertThat(populateCalls).as("documents written with pwrite: the writer maps only their headers").isEmpty();
            tables.wrote(store, position, true);
            assertThat(populateCalls).as("a document copied through the map").hasSize(1);
            tables.wrote(store, position + ahead, false);
            assertThat(populateCalls).as("then one written with pwrite again").hasSize(1);
        });
    }

    /** Writes three populate distances into a real mapped store; returns the populate calls a failing kernel saw. */
    private List<Long> populateAdviceAfterThreeSteps(int errno) throws IOException {
        List<Long> populateCalls = new ArrayList<>();
        long ahead = 256 * 1024;
        WriterPageTables tables = WriterPageTables.create(kernel(populateCalls, errno), false, ahead);
        onMappedStore("mapped-" + errno, store -> {
            for (long position = 4096; position < 4096 + 3 * ahead; position += ahead) {
                tables.wrote(store, position, true);
            }
        });
        assertThat(tables.populating()).isEqualTo(errno != 22);
        return populateCalls;
    }

    /**
     * A binding to a kernel that records the sizes of the populate calls ({@code MADV_POPULATE_WRITE}, 23) and
     * answers every madvise with success, or with -1 and {@code errno} when that is not 0.
     */
    private static PosixAPI kernel(List<Long> populateCalls, int errno) {
        return (PosixAPI) Proxy.newProxyInstance(PosixAPI.class.getClassLoader(), new Class<?>[] {PosixAPI.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "madvise" -> {
                    if ((int) args[2] == 23) {
                        populateCalls.add((long) args[1]);
                    }
                    yield errno == 0 ? 0 : -1;
                }
                case "lastError" -> errno;
                default -> throw new UnsupportedOperationException(method.getName());
            });
    }

    /** Runs {@code action} on the first store of a real 4 MiB mapped file named {@code name}. */
    private void onMappedStore(String name, Consumer<MappedBytesStore> action) throws IOException {
        ReferenceOwner owner = ReferenceOwner.temporary("test");
        MappedFile file = MappedFile.mappedFile(dir.resolve(name).toFile(), 4L << 20, 0);
        try {
            MappedBytesStore store = file.acquireByteStore(owner, 0);
            try {
                action.accept(store);
            } finally {
                store.release(owner);
            }
        } finally {
            file.releaseLast();
        }
    }
}
