package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.raftlog.pipeline.Await;
import net.openhft.posix.PosixAPI;

class JournalPretoucherTest {
    private static final long MIB = 1 << 20;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private File sparse(String name, long size) throws IOException {
        File f = dir.resolve(name).toFile();
        try (RandomAccessFile raf = new RandomAccessFile(f, "rw")) {
            raf.setLength(size);
        }
        return f;
    }

    @Test
    void readsAheadOfTheWriterByItsDistanceAndNoFurtherThanTheFileEnds() throws IOException {
        File file = sparse("a.cq4", 4 * MIB);
        try (JournalPretoucher p = new JournalPretoucher("test-pretouch", MIB, false, false, -1, 0)) {
            p.writingTo(file);
            Await.until("touched to the first MiB", WAIT, () -> p.touchedTo(file) == MIB);

            p.wroteUpTo(2 * MIB + MIB / 2);
            Await.until("touched a MiB past the writer", WAIT, () -> p.touchedTo(file) == 3 * MIB + MIB / 2);

            p.wroteUpTo(3 * MIB + 900 * 1024);
            Await.until("touched to the end of the file", WAIT, () -> p.touchedTo(file) == 4 * MIB);
            assertThat(p.isRunning()).isTrue();
        }
    }

    /** Either way a step writes back: with sync_file_range (fsync=batch) and with msync, which also flushes (none). */
    @ParameterizedTest(name = "flush each step: {0}")
    @ValueSource(booleans = {false, true})
    void writesBackWhatTheWriterLeftBehindInWholeSteps(boolean flushEachStep) throws IOException {
        Assumptions.assumeTrue(MappedPages.observable(dir), "needs Linux /proc/self/smaps and a temp dir that is not tmpfs");
        File file = sparse("wb.cq4", 16 * MIB);
        try (FileChannel ch = FileChannel.open(file.toPath(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, 16 * MIB);
            byte[] page = new byte[4096];
            Arrays.fill(page, (byte) 7);
            for (int at = 0; at < 8 * MIB; at += page.length) {
                map.put(at, page); // dirty through a mapping, like Chronicle's writer
            }
            String name = file.getName();
            // A precondition, not the claim: the kernel's own write-back (when the machine's dirty memory is past
            // its background threshold) may already have cleaned some of it, and then there is nothing to see.
            Assumptions.assumeTrue(MappedPages.dirtyKilobytes(name) >= 8 * 1024, "the kernel already wrote part back");
            try (JournalPretoucher p = new JournalPretoucher("test-pretouch", MIB, true, flushEachStep, -1, 0)) {
                p.wroteUpTo(0);
                p.writingTo(file);
                Await.until("following the file", WAIT, () -> p.touchedTo(file) == MIB); // from position 0 on
                p.wroteUpTo(8 * MIB);
                long expected = 8 * MIB - JournalPretoucher.WRITE_BEHIND_BYTES;
                Await.until("written back to " + expected, WAIT, () -> p.writtenBackTo() == expected);
                // Written back means clean: only the part the writer may still be in stays dirty.
                assertThat(MappedPages.dirtyKilobytes(name)).as("dirty after write-behind")
                    .isLessThanOrEqualTo(JournalPretoucher.WRITE_BEHIND_BYTES / 1024 + 64);
            }
        }
    }

    /**
     * What lies further behind the written-back part than the cached window leaves the page cache; the window
     * stays. Written with write() here, so no mapping holds the pages (a mapped page is never dropped).
     */
    @Test
    void dropsWrittenBackPagesBeyondTheCachedWindow() throws IOException {
        Assumptions.assumeTrue(MappedPages.observable(dir), "needs Linux and a temp dir that is not tmpfs");
        Assumptions.assumeTrue(PageCacheRelease.available(), "posix_fadvise bound through jnr-ffi");
        Assumptions.assumeTrue(dropsCleanPages(), "this file system keeps clean pages on POSIX_FADV_DONTNEED");
        File file = sparse("release.cq4", 16 * MIB);
        try (FileChannel ch = FileChannel.open(file.toPath(), StandardOpenOption.WRITE)) {
            ByteBuffer chunk = ByteBuffer.allocate((int) MIB);
            for (long at = 0; at < 10 * MIB; at += MIB) {
                ch.write(chunk.clear(), at);
            }
        }
        long window = 2 * MIB;
        try (JournalPretoucher p = new JournalPretoucher("test-pretouch", MIB, true, false, window, 0)) {
            p.wroteUpTo(0);
            p.writingTo(file);
            Await.until("following the file", WAIT, () -> p.touchedTo(file) == MIB);
            p.wroteUpTo(10 * MIB);
            long writtenBack = 10 * MIB - JournalPretoucher.WRITE_BEHIND_BYTES;
            Await.until("written back to " + writtenBack, WAIT, () -> p.writtenBackTo() == writtenBack);

            int pagesPerMib = (int) (MIB / MappedPages.PAGE);
            assertThat(MappedPages.cachedPages(file, 0, writtenBack - window)).as("cached beyond the window").isZero();
            assertThat(MappedPages.cachedPages(file, writtenBack - window, writtenBack)).as("cached within the window")
                .isEqualTo(2 * pagesPerMib);
        }
    }

    /** Whether the temp dir's file system drops a written, forced file's pages when asked (overlays may not). */
    private boolean dropsCleanPages() throws IOException {
        File probe = dir.resolve("probe").toFile();
        try (FileChannel ch = FileChannel.open(probe.toPath(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(16 * MappedPages.PAGE), 0);
            ch.force(true);
        }
        PosixAPI posix = PosixAPI.posix();
        int fd = posix.open(probe.getPath(), 0, 0);
        try {
            PageCacheRelease.release(fd, 0, 16 * MappedPages.PAGE);
        } finally {
            posix.close(fd);
        }
        return MappedPages.cachedPages(probe, 0, 16 * MappedPages.PAGE) == 0;
    }

    @Test
    void followsTheWriterToTheNextFileAndSurvivesFilesThatDisappear() throws IOException {
        File first = sparse("first.cq4", 2 * MIB);
        File second = sparse("second.cq4", 2 * MIB);
        JournalPretoucher p = new JournalPretoucher("test-pretouch", MIB, false, false, -1, 0);
        try {
            p.writingTo(first);
            Await.until("touched the first file", WAIT, () -> p.touchedTo(first) == MIB);

            p.wroteUpTo(0); // a roll starts the new file at its beginning
            p.writingTo(second);
            Await.until("touched the second file", WAIT, () -> p.touchedTo(second) == MIB);

            Files.delete(second.toPath()); // compaction removes files under it
            p.writingTo(dir.resolve("never-created.cq4").toFile());
            p.wroteUpTo(MIB);
            File third = sparse("third.cq4", 4 * MIB);
            p.writingTo(third);
            Await.until("touched the third file after the missing one", WAIT, () -> p.touchedTo(third) == 2 * MIB);
            assertThat(p.isRunning()).isTrue();
        } finally {
            p.close();
        }
        assertThat(p.isRunning()).as("close stops the thread").isFalse();
    }

    @Test
    void runsAtALowerPriorityThanTheThreadsThatStartedIt() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/thread-self/stat")), "needs Linux's /proc");
        int base = ThreadNice.currentNice();
        Assumptions.assumeTrue(base + 5 <= ThreadNice.MAX_NICE, "already at the lowest priority");
        try (JournalPretoucher p = new JournalPretoucher("nice-pretouch", MIB, false, false, -1, 5)) {
            Await.until("the pretoucher's nice value raised by 5", WAIT, () -> niceOfThreadNamed("nice-pretouch") == base + 5);
            assertThat(p.isRunning()).isTrue();
        }
        assertThat(ThreadNice.currentNice()).as("the thread that started it keeps its priority").isEqualTo(base);
    }

    /** The nice value of this process's thread called {@code name}, or Integer.MIN_VALUE while there is none. */
    private static int niceOfThreadNamed(String name) {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                if (Files.readString(task.resolve("comm")).strip().equals(name)) {
                    return ThreadNice.niceIn(task.resolve("stat"));
                }
            }
        } catch (IOException | RuntimeException e) {
            return Integer.MIN_VALUE; // a thread that ended while listed: look again
        }
        return Integer.MIN_VALUE;
    }
}
