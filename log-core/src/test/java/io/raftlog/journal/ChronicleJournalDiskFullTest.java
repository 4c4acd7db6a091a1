package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal whose disk fills up (a real one: a size-limited tmpfs), written by a child JVM that then exits as a
 * halted server does. The failing write is reported, the close after it neither throws nor claims a clean
 * close, and once there is room again the journal opens with every entry a flush had reported durable.
 *
 * <p>A new process, not a reopen in this one: a write through the map that faults leaves Chronicle's write lock
 * with the aborted write, which Chronicle releases for a process that died but waits for in a live one. The
 * server exits when its node halts, so a restart is the path that matters.
 */
class ChronicleJournalDiskFullTest {

    @TempDir
    Path dir;

    @Test
    void aFullDiskLosesNothingFlushedAndTheJournalOpensOnceThereIsRoom() throws Exception {
        Path mountPoint = Files.createDirectories(dir.resolve("small"));
        SmallFileSystem fs = SmallFileSystem.mount(mountPoint, 32);
        Assumptions.assumeTrue(fs != null, "needs Linux and the right to mount a tmpfs");
        try (fs) {
            Path journalDir = mountPoint.resolve("journal");
            Path stderr = dir.resolve("child.err");
            List<String> out;
            try (ChildJvm child = ChildJvm.start(DiskFullChild.class, stderr, journalDir.toString())) {
                out = child.awaitExit(120_000);
            }
            System.out.println("child: " + out);
            assertThat(out).as("child stderr: %s", ChildJvm.readQuietly(stderr)).hasSize(2).last().isEqualTo("CLOSED");
            String[] full = out.get(0).split(" ", 3);
            long durable = Long.parseLong(full[1]);
            // Either way the disk says no: a write through the map faults, or a file write gets ENOSPC.
            assertThat(full[2]).matches(".*(InternalError: a fault occurred in a recent unsafe memory access|No space left).*");
            // The cycle file's room holds about 140,000 entries of these payloads.
            assertThat(durable).as("entries reported durable before the disk filled").isGreaterThan(10_000);
            // A seal may stand from the start or a checkpoint before the disk filled (each written after a force
            // that succeeded); the reopened journal must hold everything it names.
            CleanCloseSeal.Seal seal = CleanCloseSeal.read(journalDir);

            fs.resize(96);
            JournalOptions options = JournalOptions.defaults().tailFileBytes(DiskFullChild.TAIL_FILE_BYTES);
            try (ChronicleJournal reopened = ChronicleJournal.open(journalDir, FsyncPolicy.BATCH, options)) {
                assertThat(reopened.lastIndex()).isGreaterThanOrEqualTo(durable);
                if (seal != null) {
                    assertThat(reopened.lastIndex()).as("what the seal names").isGreaterThanOrEqualTo(seal.lastIndex());
                }
                List<Entries.Read> all = Entries.readAll(reopened);
                for (int k = 0; k < durable; k++) {
                    Entries.Read r = all.get(k);
                    assertThat(r.index()).isEqualTo(k + 1);
                    assertThat(r.payload()).as("entry %d", k + 1).isEqualTo(Entries.payload(k + 1, 0));
                }
                // And it takes new entries where the old ones end, and makes them durable, many batches of them
                // (as a follower catching up does).
                long next = reopened.lastIndex() + 1;
                for (int batch = 0; batch < 50; batch++) {
                    for (int k = 0; k < 100; k++) {
                        Entries.append(reopened, next++, 2, 1);
                    }
                    reopened.writePending();
                    assertThat(reopened.flush()).isEqualTo(next - 1);
                }
            }
        }
    }
}
