package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.raftlog.pipeline.Await;
import org.junit.jupiter.api.io.TempDir;

/**
 * That {@link ChronicleJournal#flush()} really forces the memory-mapped pages to disk, and that flushing on
 * another thread while the writer appends is safe.
 *
 * <p>How to observe a force without pulling the power: Linux tracks, per mapping, the pages dirtied through
 * it ({@code Private_Dirty}/{@code Shared_Dirty} in {@code /proc/self/smaps}). Writeback cleans them (it
 * write-protects the page and clears the dirty bit). So: append through the map, see the cycle file's
 * mapping dirty; flush under fsync=none, still dirty (the kernel waits ~30 s before writing back on its
 * own); flush under fsync=batch, clean. The dirty count is exactly what a power loss would lose.
 */
class ChronicleJournalDurabilityTest {

    @TempDir
    Path dir;

    static void appendMegabytes(Journal j, int megabytes) {
        long next = j.lastIndex() + 1;
        long written = 0;
        while (written < megabytes * 1024L * 1024L) {
            Entries.append(j, next, 1, 0);
            written += Entries.payload(next, 0).length + 40;
            next++;
        }
        j.writePending();
    }

    @Test
    void flushUnderBatchWithoutTailFilesWritesTheMappedPagesBackAndUnderNoneItDoesNot() throws IOException {
        Assumptions.assumeTrue(MappedPages.observable(dir), "needs Linux /proc/self/smaps and a temp dir that is not tmpfs");
        // The writer's page release takes finished pages out of the mapping this test looks through, and under
        // fsync=none the pretoucher's write-behind cleans pages at its own pace: both off here. Documents all go
        // through the map (none with pwrite), since smaps counts only the pages a mapping holds.
        try (ChronicleJournal none = ChronicleJournal.open(dir.resolve("none"), FsyncPolicy.NONE,
            JournalOptions.defaults().releaseWrittenPages(false).writeBehind(false).fileWriteMinBytes(0))) {
            appendMegabytes(none, 4);
            String file = MappedPages.onlyCycleFile(dir.resolve("none"));
            assertThat(MappedPages.dirtyKilobytes(file)).as("dirty after appends").isGreaterThan(1024);
            long forcesBefore = none.forceCount();
            none.flush();
            assertThat(none.forceCount()).as("forces by an fsync=none flush").isEqualTo(forcesBefore);
            assertThat(MappedPages.dirtyKilobytes(file)).as("dirty after fsync=none flush").isGreaterThan(1024);
        }
        // Without tail files (with them, a flush forces those instead: ChronicleJournalTailTest).
        try (ChronicleJournal batch = ChronicleJournal.open(dir.resolve("batch"), FsyncPolicy.BATCH,
            JournalOptions.defaults().tailWal(false).releaseWrittenPages(false).fileWriteMinBytes(0))) {
            appendMegabytes(batch, 4);
            String file = MappedPages.onlyCycleFile(dir.resolve("batch"));
            assertThat(MappedPages.dirtyKilobytes(file)).as("dirty after appends").isGreaterThan(1024);
            long forcesBefore = batch.forceCount();
            assertThat(batch.flush()).isEqualTo(batch.lastIndex());
            assertThat(batch.forceCount()).isGreaterThan(forcesBefore);
            // Chronicle may touch a header page after the force (its write position), so allow a few pages.
            assertThat(MappedPages.dirtyKilobytes(file)).as("dirty after fsync=batch flush").isLessThan(64);
        }
    }

    @Test
    void aFlusherThreadFlushingWhileTheWriterAppendsAndTruncatesNeverReportsMoreThanIsHeld() throws Exception {
        try (ChronicleJournal j = ChronicleJournal.open(dir.resolve("j"), FsyncPolicy.BATCH)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong flushes = new AtomicLong();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread flusher = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        long durable = j.flush();
                        if (durable < 0) {
                            throw new AssertionError("negative durable index " + durable);
                        }
                        flushes.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "test-flusher");
            flusher.start();
            long term = 1;
            for (int round = 0; round < 40; round++) {
                long last = j.lastIndex();
                for (long i = last + 1; i <= last + 500; i++) {
                    Entries.append(j, i, term, round);
                }
                j.writePending(); // the end of the writer's batch: the flusher may now make it durable
                // the durable index never runs ahead of what the log holds
                assertThat(j.durableIndex()).isLessThanOrEqualTo(j.lastIndex());
                if (round % 5 == 4) {
                    term++;
                    j.truncateAfter(j.lastIndex() - 100);
                    assertThat(j.durableIndex()).isLessThanOrEqualTo(j.lastIndex());
                }
            }
            long before = flushes.get(); // two full flushes that started after the last append
            Await.until("two full flushes after the last append", Duration.ofSeconds(30), () -> flushes.get() >= before + 2);
            stop.set(true);
            flusher.join(30_000);
            assertThat(failure.get()).isNull();
            assertThat(j.durableIndex()).isEqualTo(j.lastIndex());
        }
    }

    @Test
    void underIntervalWrittenEntriesCountAtOnceAndABackgroundThreadForces() {
        try (ChronicleJournal j = ChronicleJournal.open(dir.resolve("interval"), FsyncPolicy.interval(5))) {
            long forcesAtOpen = j.forceCount();
            for (long i = 1; i <= 100; i++) {
                Entries.append(j, i, 1, 0);
            }
            j.writePending();
            assertThat(j.flush()).isEqualTo(100); // counts at once, as Kafka's flush.ms
            Await.until("the background thread to force twice", Duration.ofSeconds(30),
                () -> j.forceCount() >= forcesAtOpen + 2);
        }
    }
}
