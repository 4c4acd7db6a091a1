package io.raftlog.journal;

import static io.raftlog.journal.CrashCopies.copyDirectory;
import static io.raftlog.journal.MarkedPayloads.appendMarked;
import static io.raftlog.journal.MarkedPayloads.flipByteAt;
import static io.raftlog.journal.MarkedPayloads.forgetCleanClose;
import static io.raftlog.journal.MarkedPayloads.offsetOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A journal closed cleanly knows its documents were complete and forced, so damage there is corruption the
 * node must not cut back as a torn write (that would silently drop entries it acknowledged). After a crash
 * the same damage is still a torn tail.
 */
class CleanCloseSealTest {
    @TempDir
    Path dir;
    /** Copies of {@link #dir} (inside a temporary directory of their own, so JUnit deletes them too). */
    @TempDir
    Path copies;

    private void writeAndClose(FsyncPolicy policy, int count) {
        writeAndClose(dir, policy, count);
    }

    private static void writeAndClose(Path journalDir, FsyncPolicy policy, int count) {
        try (ChronicleJournal j = ChronicleJournal.open(journalDir, policy)) {
            for (long i = 1; i <= count; i++) {
                appendMarked(j, i);
                j.writePending(); // a document per entry: the last one holds only the last entry
            }
            j.flush();
        }
    }

    private Path cycleFile(Path journalDir) throws IOException {
        try (Stream<Path> s = Files.list(journalDir)) {
            return s.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    @Test
    void aDamagedLastRecordAfterACleanCloseRefusesToOpenAndVerifySaysWhy() throws IOException {
        writeAndClose(FsyncPolicy.BATCH, 50);
        Path file = cycleFile(dir);
        flipByteAt(file, offsetOf(Files.readAllBytes(file), 50) + 5);

        JournalInspector.Report report = JournalInspector.verify(dir);
        assertThat(report.ok()).isFalse();
        assertThat(report.tornTail()).isNull();
        assertThat(report.cleanCloseIndex()).isEqualTo(50);
        assertThat(report.problems()).singleElement().asString()
            .contains("checksum").contains("was forced (at a clean close").contains("Raft index 50").contains("not a torn write");
        assertThatThrownBy(() -> ChronicleJournal.open(dir, FsyncPolicy.BATCH))
            .isInstanceOf(JournalCorruptedException.class)
            .hasMessageContaining(file.getFileName().toString())
            .hasMessageContaining("not a torn write")
            .hasMessageContaining("refusing to open");

        forgetCleanClose(dir); // the same bytes after a crash: a torn tail, cut back
        assertThat(JournalInspector.verify(dir).tornTail()).contains("checksum");
        try (ChronicleJournal j = ChronicleJournal.open(dir, FsyncPolicy.BATCH)) {
            assertThat(j.lastIndex()).isEqualTo(49);
        }
    }

    @Test
    void aJournalCutShortOfItsCleanCloseRefusesToOpen() throws IOException {
        writeAndClose(FsyncPolicy.interval(50), 50);
        Path file = cycleFile(dir);
        byte[] bytes = Files.readAllBytes(file);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(offsetOf(bytes, 40)); // documents 40..50, forced before the close, are gone
        }
        assertThatThrownBy(() -> ChronicleJournal.open(dir, FsyncPolicy.interval(50)))
            .isInstanceOf(JournalCorruptedException.class)
            .hasMessageContaining("was forced (at a clean close")
            .hasMessageContaining("refusing to open");
        assertThat(JournalInspector.verify(dir).ok()).isFalse();
    }

    @Test
    void aCloseThatForcedNothingLeavesNoSeal() {
        writeAndClose(FsyncPolicy.NONE, 10);
        assertThat(dir.resolve(CleanCloseSeal.FILE_NAME)).doesNotExist();
        Path batch = dir.resolve("batch");
        writeAndClose(batch, FsyncPolicy.BATCH, 10);
        assertThat(CleanCloseSeal.read(batch).lastIndex()).isEqualTo(10);
    }

    @Test
    void aSealFromAnEarlierCloseStaysTrueAfterACrashLater() throws IOException {
        writeAndClose(FsyncPolicy.BATCH, 20);
        Path crashed = copies.resolve("crashed");
        try (ChronicleJournal j = ChronicleJournal.open(dir, FsyncPolicy.BATCH)) {
            for (long i = 21; i <= 30; i++) {
                appendMarked(j, i);
                j.writePending();
            }
            j.flush();
            copyDirectory(dir, crashed); // what a crash now leaves: the old seal (20) beside 30 entries
        }
        Path file = cycleFile(crashed);
        flipByteAt(file, offsetOf(Files.readAllBytes(file), 30) + 5);
        // Damage above the old seal is a torn tail: cut back, and the tail files the flush wrote bring 30 back.
        try (ChronicleJournal j = ChronicleJournal.open(crashed, FsyncPolicy.BATCH)) {
            assertThat(j.lastIndex()).isEqualTo(30);
            assertThat(Entries.readAll(j).get(29).payload()).isEqualTo(MarkedPayloads.payload(30));
        }
    }

    @ParameterizedTest(name = "repair {0} hour(s) later")
    @ValueSource(ints = {0, 1, -2})
    void theSealOutlivesTheRepairOfATornTailAboveIt(int hoursLater) throws IOException {
        // -2: a clock set back before the torn cycle; the copy went into an earlier cycle than the files it
        // follows, Chronicle refused it, and the node could not start until the clock passed the torn cycle.
        SteppableClock clock = new SteppableClock("2026-01-01T10:00:00");
        JournalOptions options = JournalOptions.defaults().timeProvider(clock);
        try (ChronicleJournal j = ChronicleJournal.open(dir, FsyncPolicy.BATCH, options)) {
            for (long i = 1; i <= 20; i++) {
                appendMarked(j, i);
                j.writePending();
            }
        } // a clean close: sealed at 20
        Path crashed = copies.resolve("crashed");
        try (ChronicleJournal j = ChronicleJournal.open(dir, FsyncPolicy.BATCH, options)) {
            appendMarked(j, 21);
            j.writePending(); // written, never flushed: a crash may tear it
            copyDirectory(dir, crashed);
        }
        Path file = cycleFile(crashed);
        flipByteAt(file, offsetOf(Files.readAllBytes(file), 21) + 5);
        long sealedBefore = CleanCloseSeal.read(crashed).queueIndex();
        clock.stepMillis(TimeUnit.HOURS.toMillis(hoursLater)); // later: the rebuilt cycle is a later one, indexes move
        Path crashedAgain = copies.resolve("crashed-again");
        try (ChronicleJournal j = ChronicleJournal.open(crashed, FsyncPolicy.BATCH, options)) {
            assertThat(j.lastIndex()).as("the torn entry above the seal is cut back").isEqualTo(20);
            copyDirectory(crashed, crashedAgain); // a second crash before any clean close
        }
        CleanCloseSeal.Seal carried = CleanCloseSeal.read(crashedAgain);
        assertThat(carried).as("the seal in the rebuilt journal").isNotNull();
        assertThat(carried.lastIndex()).isEqualTo(20);
        assertThat(carried.queueIndex() != sealedBefore).as("the sealed document moved to another cycle").isEqualTo(hoursLater > 0);
        Path again = cycleFile(crashedAgain);
        flipByteAt(again, offsetOf(Files.readAllBytes(again), 20) + 5);
        assertThatThrownBy(() -> ChronicleJournal.open(crashedAgain, FsyncPolicy.BATCH, options))
            .isInstanceOf(JournalCorruptedException.class)
            .hasMessageContaining("Raft index 20")
            .hasMessageContaining("not a torn write");

        forgetCleanClose(crashedAgain); // without the carried seal the same damage would be cut back
        try (ChronicleJournal j = ChronicleJournal.open(crashedAgain, FsyncPolicy.BATCH, options)) {
            assertThat(j.lastIndex()).isEqualTo(19);
        }
    }

    @Test
    void aDamagedSealOnlyLosesItsCheck() throws IOException {
        writeAndClose(FsyncPolicy.BATCH, 20);
        Files.write(dir.resolve(CleanCloseSeal.FILE_NAME), new byte[] {1, 2, 3});
        assertThat(CleanCloseSeal.read(dir)).isNull();
        try (ChronicleJournal j = ChronicleJournal.open(dir, FsyncPolicy.BATCH)) {
            assertThat(j.lastIndex()).isEqualTo(20);
        }
        assertThat(CleanCloseSeal.read(dir).lastIndex()).as("rewritten by the clean close").isEqualTo(20);
    }

    @Test
    void verifyBesideALiveNodeWhoseSealMovesNeverCallsItCorrupt() throws Exception {
        // The seal moves up at every periodic fsync. Read after the scan, it could name documents written after
        // the scan stopped, and `raftlog journal verify` beside a live node said "forced documents are missing;
        // restore it from a peer" (3 times in 3 within a second, in review). Bounded: 100,000 entries at most.
        List<String> problems = new ArrayList<>();
        try (ChronicleJournal j = ChronicleJournal.open(dir, FsyncPolicy.interval(1))) {
            Entries.append(j, 1, 1, 0);
            j.writePending(); // a cycle file for the first verify to find
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                for (long i = 2; i <= 100_000 && !stop.get(); i += 50) {
                    for (long k = i; k < i + 50; k++) {
                        Entries.append(j, k, 1, 0);
                    }
                    j.writePending();
                }
            }, "live-writer");
            writer.start();
            try {
                for (int n = 0; n < 100 && writer.isAlive() && problems.isEmpty(); n++) {
                    problems.addAll(JournalInspector.verify(dir).problems());
                }
            } finally {
                stop.set(true);
                writer.join();
            }
        }
        assertThat(problems).isEmpty();
    }
}
