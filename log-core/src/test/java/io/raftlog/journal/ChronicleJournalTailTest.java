package io.raftlog.journal;

import static io.raftlog.journal.CrashCopies.copyDirectory;
import static io.raftlog.journal.CrashCopies.copyingTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.raftlog.testing.Seeds;

import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

/**
 * The tail files ({@link TailWal}) under fsync=batch: a flush forces them rather than the mapped cycle files,
 * so they must bring back at the next open whatever the cycle files lost.
 *
 * <p>How to lose what a power cut loses without pulling the power: the cycle files are copied aside after a
 * clean close (a forced state); the same journal then appends and flushes more, and its tail files are
 * copied next to the old cycle files. Opening that copy is opening a journal whose cycle files never got
 * the pages written after their last force, which is what the kernel may leave on disk.
 */
class ChronicleJournalTailTest {

    @TempDir
    Path dir;

    private Path live;
    private Path lost;

    /**
     * Journal {@code live} gets entries 1..last (term 1, salt 0), forced by a clean close; {@code lost} is a copy
     * of its files then: the cycle files a power cut would leave if nothing after this point got to disk.
     */
    private void startWithForcedCopy(long last) throws IOException {
        live = dir.resolve("live");
        lost = dir.resolve("lost");
        try (ChronicleJournal j = ChronicleJournal.open(live, FsyncPolicy.BATCH)) {
            append(j, 1, last, 1, 0);
            j.flush();
        }
        copyDirectory(live, lost);
    }

    /** A flusher thread as the node's: flushes in a loop until {@code stop}; what it throws lands in {@code failure}. */
    private static Thread flushUntilStopped(ChronicleJournal j, AtomicBoolean stop,
                                            AtomicReference<Throwable> failure) {
        Thread flusher = new Thread(() -> {
            try {
                while (!stop.get()) {
                    j.flush();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "test-flusher");
        flusher.start();
        return flusher;
    }

    private record Dumped(long index, long term, boolean fromTailFile, byte[] payload) {
    }

    private static List<Dumped> dump(Path journalDir) {
        List<Dumped> lines = new ArrayList<>();
        JournalInspector.dump(journalDir, 1, Long.MAX_VALUE, (index, term, type, buffer, offset, length, fromTail) -> {
            byte[] payload = new byte[length];
            buffer.getBytes(offset, payload);
            lines.add(new Dumped(index, term, fromTail, payload));
        });
        return lines;
    }

    private static void copyTailFiles(Path from, Path to) throws IOException {
        for (String name : TailWal.FILE_NAMES) {
            if (Files.exists(from.resolve(name))) {
                Files.copy(from.resolve(name), to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Where the record of entry {@code index} (salt 0) lies in the cycle files of a journal directory. */
    private record RecordAt(Path file, int at, int length) {
    }

    private static RecordAt recordOfEntry(Path dir, long index) throws IOException {
        byte[] payload = Entries.payload(index, 0);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cq4")).sorted().toList()) {
                byte[] bytes = Files.readAllBytes(f);
                UnsafeBuffer b = new UnsafeBuffer(bytes);
                for (int at = 0; at + RecordFormat.HEADER_LENGTH + payload.length <= bytes.length; at++) {
                    if (b.getLong(at + RecordFormat.INDEX_OFFSET) == index && b.getInt(at + RecordFormat.LENGTH_OFFSET) == payload.length
                        && Arrays.equals(bytes, at + RecordFormat.HEADER_LENGTH, at + RecordFormat.HEADER_LENGTH + payload.length,
                            payload, 0, payload.length)) {
                        return new RecordAt(f, at, RecordFormat.HEADER_LENGTH + payload.length);
                    }
                }
            }
        }
        throw new AssertionError("no record of entry " + index + " in " + dir);
    }

    /** Flips the last payload byte of the record of entry {@code index} (salt 0) in the cycle files of {@code dir}. */
    private static void flipLastPayloadByteOfEntry(Path dir, long index) throws IOException {
        RecordAt r = recordOfEntry(dir, index);
        int last = r.at() + r.length() - 1;
        try (FileChannel ch = FileChannel.open(r.file(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, last);
            ch.write(ByteBuffer.wrap(new byte[] {(byte) ~one.get(0)}), last);
        }
    }

    /**
     * A page the disk lost: zeros over the 4 KiB page of the cycle files holding the last payload byte of entry
     * {@code index}, as a file's never-written page reads. The page must lie inside one document, strictly after
     * the record of entry {@code after} and before that of {@code before} (so no document header is on it).
     */
    private static void losePageHoldingEntry(Path dir, long index, long after, long before) throws IOException {
        RecordAt r = recordOfEntry(dir, index);
        long page = (r.at() + r.length() - 1) & ~4095L;
        RecordAt first = recordOfEntry(dir, after);
        RecordAt last = recordOfEntry(dir, before);
        assertThat(first.file()).isEqualTo(r.file());
        assertThat(last.file()).isEqualTo(r.file());
        assertThat(page).as("page start").isGreaterThan(first.at() + first.length());
        assertThat(page + 4096).as("page end").isLessThan(last.at());
        try (FileChannel ch = FileChannel.open(r.file(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4096), page);
        }
    }

    private static void append(ChronicleJournal j, long from, long to, long term, long salt) {
        for (long i = from; i <= to; i++) {
            Entries.append(j, i, term, salt);
        }
        j.writePending();
    }

    private static void assertHolds(List<Entries.Read> reads, long from, long to, long term, long salt) {
        for (long i = from; i <= to; i++) {
            Entries.Read r = reads.get((int) (i - 1));
            assertThat(r.index()).isEqualTo(i);
            assertThat(r.term()).as("term of %d", i).isEqualTo(term);
            assertThat(r.payload()).as("payload of %d", i).isEqualTo(Entries.payload(i, salt));
        }
    }

    @Test
    void entriesOnlyTheTailFilesHoldComeBackWhenTheCycleFilesLostThem() throws IOException {
        startWithForcedCopy(100);
        try (ChronicleJournal j = ChronicleJournal.open(live, FsyncPolicy.BATCH)) {
            append(j, 101, 300, 1, 0);
            assertThat(j.flush()).isEqualTo(300);
            copyTailFiles(live, lost); // what the flush made durable, beside cycle files that never got it
        }
        // `raftlog journal verify` (read-only) tells what the next open will restore, and changes nothing
        JournalInspector.Report before = JournalInspector.verify(lost);
        assertThat(before.ok()).as(before.problems().toString()).isTrue();
        assertThat(before.lastIndex()).as("the cycle files alone").isEqualTo(100);
        assertThat(before.tailRestored()).isEqualTo(200);
        assertThat(before.lastIndexAfterReplay()).isEqualTo(300);
        assertThat(JournalInspector.verify(lost)).isEqualTo(before);
        // `raftlog journal dump` lists the log the next open will serve, marking what comes from the tail files
        List<Dumped> dumped = dump(lost);
        assertThat(dumped).hasSize(300);
        for (Dumped d : dumped) {
            assertThat(d.fromTailFile()).as("entry %d from a tail file", d.index()).isEqualTo(d.index() > 100);
            assertThat(d.payload()).isEqualTo(Entries.payload(d.index(), 0));
        }
        try (ChronicleJournal j = ChronicleJournal.open(lost, FsyncPolicy.BATCH)) {
            assertThat(j.lastIndex()).isEqualTo(300);
            assertThat(j.durableIndex()).isEqualTo(300);
            assertHolds(Entries.readAll(j), 1, 300, 1, 0);
        }
        // and the restored entries are in the cycle files now: a third open needs no tail files
        try (ChronicleJournal j = ChronicleJournal.open(lost, FsyncPolicy.NONE)) {
            assertThat(j.lastIndex()).isEqualTo(300);
        }
        for (String name : TailWal.FILE_NAMES) {
            assertThat(lost.resolve(name)).as("dropped once replayed under fsync=none").doesNotExist();
        }
    }

    @Test
    void aSuffixTheTailFilesReplacedIsReplacedAgainOverTheCycleFilesThatStillHoldTheOldOne() throws IOException {
        startWithForcedCopy(100);
        try (ChronicleJournal j = ChronicleJournal.open(live, FsyncPolicy.BATCH)) {
            j.truncateAfter(50); // a new leader replaced 51..100
            append(j, 51, 120, 2, 9);
            assertThat(j.flush()).isEqualTo(120);
            copyTailFiles(live, lost);
        }
        JournalInspector.Report report = JournalInspector.verify(lost);
        assertThat(report.tailRestored()).as("51..120 replace the cycle files' 51..100").isEqualTo(70);
        assertThat(report.lastIndexAfterReplay()).isEqualTo(120);
        List<Dumped> dumped = dump(lost);
        assertThat(dumped).extracting(Dumped::index).containsExactlyElementsOf(LongStream.rangeClosed(1, 120).boxed().toList());
        for (Dumped d : dumped) {
            assertThat(d.fromTailFile()).isEqualTo(d.index() > 50);
            assertThat(d.term()).isEqualTo(d.index() > 50 ? 2 : 1);
            assertThat(d.payload()).isEqualTo(Entries.payload(d.index(), d.index() > 50 ? 9 : 0));
        }
        try (ChronicleJournal j = ChronicleJournal.open(lost, FsyncPolicy.BATCH)) {
            assertThat(j.lastIndex()).isEqualTo(120);
            List<Entries.Read> reads = Entries.readAll(j);
            assertHolds(reads, 1, 50, 1, 0);
            assertHolds(reads, 51, 120, 2, 9);
        }
    }

    /**
     * A flush writes its entries as one frame and acknowledges none of them before the frame is forced whole, so
     * a crash during the second flush loses exactly that flush's entries, and the first flush's replay.
     */
    @Test
    void aTornLastFrameEndsTheReplayAtTheFlushBeforeIt() throws IOException {
        startWithForcedCopy(10);
        try (ChronicleJournal j = ChronicleJournal.open(live, FsyncPolicy.BATCH)) {
            append(j, 11, 15, 1, 0);
            j.flush();
            append(j, 16, 20, 1, 0);
            j.flush();
            copyTailFiles(live, lost);
        }
        // Cut the second flush's frame (entries 16-20) short, as a crash during its write would.
        long written = 2 * RecordFormat.HEADER_LENGTH; // the two frames' headers
        for (long i = 11; i <= 20; i++) {
            written += RecordFormat.HEADER_LENGTH + Entries.payload(i, 0).length;
        }
        try (RandomAccessFile f = new RandomAccessFile(lost.resolve(TailWal.FILE_NAMES[0]).toFile(), "rw")) {
            f.setLength(written - 3);
        }
        try (ChronicleJournal j = ChronicleJournal.open(lost, FsyncPolicy.BATCH)) {
            assertThat(j.lastIndex()).isEqualTo(15);
            assertHolds(Entries.readAll(j), 1, 15, 1, 0);
        }
    }

    @Test
    void tailFilesThatStartPastTheEndOfTheCycleFilesRefuseToOpenNamingTheGap() throws IOException {
        startWithForcedCopy(100);
        try (ChronicleJournal j = ChronicleJournal.open(live, FsyncPolicy.BATCH)) {
            append(j, 101, 200, 1, 0);
            j.flush();
        }
        try (ChronicleJournal j = ChronicleJournal.open(live, FsyncPolicy.BATCH)) {
            append(j, 201, 250, 1, 0);
            j.flush();
            copyTailFiles(live, lost); // 201..250, while the lost cycle files end at 100
        }
        assertThat(JournalInspector.verify(lost).problems()).singleElement().asString()
            .contains("tail files hold entry 201").contains("end at entry 100");
        assertThatThrownBy(() -> ChronicleJournal.open(lost, FsyncPolicy.BATCH))
            .isInstanceOf(JournalCorruptedException.class)
            .hasMessageContaining("tail files hold entry 201")
            .hasMessageContaining("end at entry 100");
    }

    @Test
    void aCleanCloseLeavesNothingToReplay() {
        Path live = dir.resolve("live");
        try (ChronicleJournal j = ChronicleJournal.open(live, FsyncPolicy.BATCH)) {
            append(j, 1, 500, 1, 0);
            long forces = j.forceCount();
            assertThat(j.flush()).isEqualTo(500);
            assertThat(j.forceCount()).isGreaterThan(forces);
            assertThat(TailFile.read(live.resolve(TailWal.FILE_NAMES[0]), null).records()).isEqualTo(500);
        }
        for (String name : TailWal.FILE_NAMES) {
            assertThat(TailFile.read(live.resolve(name), null).records()).isZero();
        }
    }

    @Test
    void aCleanCloseClearsTheOlderTailFileFirst() throws Exception {
        // A crash between the two clears must leave the newer file's records, never the older ones alone (they
        // would replay without the records that replaced some of them). A test cannot crash between two writes,
        // so it watches their order instead: inotify reports the writes to a directory's files in order. No turn
        // is taken, so tail-0 is the active (newer) file and tail-1 the older: going by name cleared tail-0 first.
        // The close must be the only writer while watched: the JDK folds a file's modifications into its first
        // pending event, so a write of the checkpoint thread (filling tail-0 with zeros) would hide the order.
        Path live = dir.resolve("live");
        long fileBytes = 1 << 20;
        ChronicleJournal j = ChronicleJournal.open(live, FsyncPolicy.BATCH, JournalOptions.defaults().tailFileBytes(fileBytes));
        try (WatchService watcher = live.getFileSystem().newWatchService()) {
            assumeTrue(watcher.getClass().getName().contains("Linux"), "needs inotify, whose events keep their order");
            append(j, 1, 10, 1, 0); // far from a quarter of tail-0: the checkpoint thread leaves tail-1 alone
            assertThat(j.flush()).isEqualTo(10);
            assertThat(j.tailTurns()).isZero();
            io.raftlog.pipeline.Await.until("the checkpoint thread to fill tail-0 with zeros", Duration.ofSeconds(30),
                () -> live.resolve(TailWal.FILE_NAMES[0]).toFile().length() >= fileBytes);
            live.register(watcher, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
            j.close();
            Files.createFile(live.resolve("closed")); // its event comes after every event of the close
            List<String> modified = new ArrayList<>();
            boolean closedSeen = false;
            while (!closedSeen) {
                WatchKey key = watcher.poll(10, TimeUnit.SECONDS);
                assertThat(key).as("the watcher's next events").isNotNull();
                for (WatchEvent<?> e : key.pollEvents()) {
                    assertThat(e.kind()).as("events lost").isNotEqualTo(StandardWatchEventKinds.OVERFLOW);
                    String name = e.context().toString();
                    if (e.kind() == StandardWatchEventKinds.ENTRY_CREATE && name.equals("closed")) {
                        closedSeen = true;
                    } else if (e.kind() == StandardWatchEventKinds.ENTRY_MODIFY && Arrays.asList(TailWal.FILE_NAMES).contains(name)) {
                        modified.add(name);
                    }
                }
                key.reset();
            }
            assertThat(modified).as("tail files written by the close, in order").contains(TailWal.FILE_NAMES);
            assertThat(modified.lastIndexOf(TailWal.FILE_NAMES[1])).as("the older file's clear (in " + modified + ")")
                .isLessThan(modified.lastIndexOf(TailWal.FILE_NAMES[0]));
        } finally {
            j.close();
        }
        for (String name : TailWal.FILE_NAMES) {
            assertThat(TailFile.read(live.resolve(name), null).records()).isZero();
        }
    }

    @Test
    void withSmallFilesTheTwoTakeTurnsAndACrashCopyStillHoldsEveryEntry() throws IOException {
        Path live = dir.resolve("live");
        Path crashed = dir.resolve("crashed");
        JournalOptions small = JournalOptions.defaults().tailFileBytes(16 * 1024);
        try (ChronicleJournal j = ChronicleJournal.open(live, FsyncPolicy.BATCH, small)) {
            long next = 1;
            long term = 1;
            // Until the files took turns four times: a turn waits for the checkpoint thread to ready the other file,
            // and on a loaded machine 60 rounds were sometimes done first (1-3 turns, 2 runs in 150).
            for (int round = 0; round < 60 || (j.tailTurns() < 4 && round < 3_000); round++) {
                append(j, next, next + 49, term, term);
                next += 50;
                if (round % 40 == 39) { // now and then a new leader replaces the last 10
                    term++;
                    j.truncateAfter(next - 11);
                    next -= 10;
                }
                assertThat(j.flush()).isEqualTo(next - 1);
            }
            assertThat(j.tailTurns()).as("times the tail files took turns").isGreaterThanOrEqualTo(4);
            copyDirectory(live, crashed); // as a killed process leaves it: nothing closed, both kinds of file
        }
        try (ChronicleJournal j = ChronicleJournal.open(crashed, FsyncPolicy.BATCH, small);
             ChronicleJournal original = ChronicleJournal.open(live, FsyncPolicy.NONE)) {
            assertThat(j.lastIndex()).isEqualTo(original.lastIndex());
            Entries.assertSameEntries(Entries.readAll(j), Entries.readAll(original), "the crash copy");
        }
    }

    @Test
    void aCheckpointMovesTheSealUpToWhatItForced() throws IOException {
        // Between starts, the checkpoint that empties a tail file is the only force of the cycle files under
        // fsync=batch: it moves the seal up, so damage below it is refused at the next start, not cut back.
        Path live = dir.resolve("live");
        try (ChronicleJournal j = ChronicleJournal.open(live, FsyncPolicy.BATCH, JournalOptions.defaults().tailFileBytes(16 * 1024))) {
            assertThat(CleanCloseSeal.read(live)).as("nothing written yet, nothing sealed").isNull();
            long next = 1;
            for (int round = 0; round < 3_000 && j.tailTurns() < 1; round++) {
                append(j, next, next + 49, 1, 1);
                next += 50;
                assertThat(j.flush()).isEqualTo(next - 1);
            }
            assertThat(j.tailTurns()).as("times the tail files took turns").isPositive();
            io.raftlog.pipeline.Await.until("the checkpoint's seal", java.time.Duration.ofSeconds(30),
                () -> CleanCloseSeal.read(live) != null);
            CleanCloseSeal.Seal seal = CleanCloseSeal.read(live);
            assertThat(seal.lastIndex()).as("a lower bound of what the checkpoint forced").isPositive().isLessThan(next);
        }
    }

    /**
     * The flusher copies into the tail files on its own thread while the writer appends and truncates: the
     * tail files must still end up holding the log exactly (replacing suffixes included), so that cycle files
     * that lost everything since the start of the run come back whole from them.
     */
    @ParameterizedTest(name = "handoff of {0} bytes")
    @ValueSource(ints = {JournalOptions.DEFAULT_TAIL_HANDOFF_BYTES, 64 * 1024, 0})
    void tailFilesCopiedByAConcurrentFlusherWhileTheWriterTruncatesRebuildTheLogExactly(int handoffBytes) throws Exception {
        long seed = Long.getLong("tail.seed", System.nanoTime());
        Seeds.print("tailFilesCopiedByAConcurrentFlusherWhileTheWriterTruncatesRebuildTheLogExactly", seed, "tail.seed");
        SplittableRandom random = new SplittableRandom(seed);
        startWithForcedCopy(10);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Entries.Read> expected;
        try (ChronicleJournal j = ChronicleJournal.open(live, FsyncPolicy.BATCH,
                JournalOptions.defaults().tailHandoffBytes(handoffBytes))) {
            flushOneSmallAndOneLargeDocument(j);
            Thread flusher = flushUntilStopped(j, stop, failure);
            long term = 1;
            for (int round = 0; round < 60; round++) {
                long last = j.lastIndex();
                append(j, last + 1, last + 1 + random.nextInt(200), term, term);
                if (random.nextInt(4) == 0) { // a new leader replaces a suffix (never below the forced 10)
                    term++;
                    j.truncateAfter(Math.max(10, j.lastIndex() - random.nextInt(150)));
                    j.writePending();
                }
            }
            append(j, j.lastIndex() + 1, j.lastIndex() + 5, term, term); // the log ends on appends
            stop.set(true);
            flusher.join(30_000);
            assertThat(failure.get()).as("flusher (seed %d)", seed).isNull();
            assertThat(j.flush()).isEqualTo(j.lastIndex());
            assertThat(j.tailTurns()).as("no checkpoint: the lost cycle files must rely on the tail alone").isZero();
            assertHandoffUsed(j, handoffBytes);
            expected = Entries.readAll(j);
            copyTailFiles(live, lost);
        }
        try (ChronicleJournal j = ChronicleJournal.open(lost, FsyncPolicy.BATCH)) {
            Entries.assertSameEntries(Entries.readAll(j), expected, "rebuilt from the tail files, seed " + seed);
        }
    }

    /**
     * Before the random rounds, so that both of a flush's sources are used whatever the seed (the rounds' batch
     * sizes are random, and a run may make none that a small handoff refuses): entry 11 alone, which any handoff
     * takes, then 12..111 (term 1, salt 1, about 18 KiB), more than a 64 KiB ring's message holds, so that one
     * is read back from the journal; flushed here, before the flusher thread starts.
     */
    private static void flushOneSmallAndOneLargeDocument(ChronicleJournal j) {
        append(j, 11, 11, 1, 1);
        append(j, 12, 111, 1, 1);
        assertThat(j.flush()).isEqualTo(111);
    }

    /**
     * The writer handed its records on (when it has a handoff at all), and a small handoff also refused some, so
     * that flushes mixed records from the handoff with records read back from the journal (see
     * {@link #flushOneSmallAndOneLargeDocument}).
     */
    private static void assertHandoffUsed(ChronicleJournal j, int handoffBytes) {
        long[] counts = j.handoffCounts();
        if (handoffBytes == 0) {
            assertThat(counts).as("no handoff").isNull();
            return;
        }
        assertThat(counts[0]).as("documents offered").isPositive();
        assertThat(counts[2]).as("records flushes took from the handoff").isPositive();
        if (handoffBytes < JournalOptions.DEFAULT_TAIL_HANDOFF_BYTES) {
            assertThat(counts[1]).as("documents refused by a handoff of %d bytes", handoffBytes).isPositive();
            assertThat(counts[3]).as("records flushes read back from the journal").isPositive();
        }
    }

    /**
     * A crash may come at any moment of a flush, also while the flusher copies and the writer truncates: the
     * tail files as they are at that moment (copied while being written, so maybe with a torn last record)
     * must replay to a log the writer really had, never to old entries followed by part of the suffix that
     * replaced them. Entries here are fully determined by (index, term), and each term's entries start at
     * one index, so "a log the writer had" means: every entry's payload matches its term, and an entry of
     * term T is preceded by entries of term T back to where T started.
     */
    @ParameterizedTest(name = "handoff of {0} bytes")
    @ValueSource(ints = {JournalOptions.DEFAULT_TAIL_HANDOFF_BYTES, 64 * 1024, 0})
    void tailFilesCopiedAtAnyMomentOfConcurrentFlushesAndTruncationsReplayToALogTheWriterHad(int handoffBytes) throws Exception {
        long seed = Long.getLong("tail.seed", System.nanoTime());
        Seeds.print("tailFilesCopiedAtAnyMomentOfConcurrentFlushesAndTruncationsReplayToALogTheWriterHad", seed, "tail.seed");
        SplittableRandom random = new SplittableRandom(seed);
        startWithForcedCopy(10);
        Map<Long, Long> termStart = new ConcurrentHashMap<>();
        termStart.put(1L, 1L);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Path> crashes = new ArrayList<>();
        try (ChronicleJournal j = ChronicleJournal.open(live, FsyncPolicy.BATCH,
                JournalOptions.defaults().tailHandoffBytes(handoffBytes))) {
            flushOneSmallAndOneLargeDocument(j);
            Thread flusher = flushUntilStopped(j, stop, failure);
            long term = 1;
            for (int round = 0; round < 200; round++) {
                long last = j.lastIndex();
                for (long i = last + 1; i <= last + 1 + random.nextInt(100); i++) {
                    Entries.append(j, i, term, term);
                    if (random.nextInt(50) == 0) {
                        j.writePending(); // sometimes mid-batch, so copies and truncations interleave finely
                    }
                }
                j.writePending();
                if (random.nextInt(3) == 0) {
                    term++;
                    long keep = Math.max(10, j.lastIndex() - random.nextInt(120));
                    j.truncateAfter(keep);
                    termStart.put(term, keep + 1);
                }
                if (round % 40 == 39) {
                    Path crash = dir.resolve("crash-" + round);
                    copyDirectory(lost, crash); // the forced cycle files of before the run
                    copyTailFiles(live, crash); // and the tail files as they are right now, mid-flush perhaps
                    crashes.add(crash);
                }
            }
            stop.set(true);
            flusher.join(30_000);
            assertThat(failure.get()).as("flusher (seed %d)", seed).isNull();
            assertHandoffUsed(j, handoffBytes);
        }
        for (Path crash : crashes) {
            try (ChronicleJournal j = ChronicleJournal.open(crash, FsyncPolicy.NONE)) {
                List<Entries.Read> reads = Entries.readAll(j);
                for (Entries.Read r : reads) {
                    assertThat(r.payload()).as("payload of %d (seed %d, %s)", r.index(), seed, crash.getFileName())
                        .isEqualTo(Entries.payload(r.index(), r.index() <= 10 ? 0 : r.term()));
                    long start = termStart.get(r.term());
                    assertThat(r.index()).as("entry %d of term %d starts at %d (seed %d)", r.index(), r.term(), start, seed)
                        .isGreaterThanOrEqualTo(start);
                    if (r.index() > start && r.index() > 11) {
                        assertThat(reads.get((int) (r.index() - 2)).term())
                            .as("entry before %d, of term %d which started at %d (seed %d, %s)", r.index(), r.term(), start,
                                seed, crash.getFileName())
                            .isEqualTo(r.term());
                    }
                }
            }
        }
    }

    /** Appends {@code from..to} of term 1, twenty entries to a document (one Chronicle document each). */
    private static void appendInDocumentsOfTwenty(ChronicleJournal j, long from, long to) {
        for (long first = from; first <= to; first += 20) {
            append(j, first, Math.min(first + 19, to), 1, 0);
        }
    }

    /**
     * A power cut while the cycle files were being written behind: the disk kept a later document but lost part
     * of an earlier one (here a damaged byte in entry 150, which its checksum catches), pages it had not been
     * told to force yet. The tail files hold every entry from 101, so the damage and what follows it go as a torn
     * tail would and come back from the tail files; the same damage where the cycle files were forced (entry 50)
     * is corruption, and the journal refuses to open.
     */
    @Test
    void pagesLostOutOfOrderBeforeTheyWereForcedComeBackFromTheTailFilesAndDamageBelowThemIsRefused() throws IOException {
        startWithForcedCopy(100);
        Path cut = dir.resolve("cut");
        try (ChronicleJournal j = ChronicleJournal.open(live, FsyncPolicy.BATCH)) {
            appendInDocumentsOfTwenty(j, 101, 300);
            assertThat(j.flush()).isEqualTo(300);
            copyDirectory(live, cut);
        }
        Path forcedDamage = dir.resolve("forced-damage");
        copyDirectory(cut, forcedDamage);
        flipLastPayloadByteOfEntry(cut, 150);
        flipLastPayloadByteOfEntry(forcedDamage, 50);

        JournalInspector.Report report = JournalInspector.verify(cut);
        assertThat(report.ok()).as(report.problems().toString()).isTrue();
        assertThat(report.lastIndexAfterReplay()).isEqualTo(300);
        try (ChronicleJournal j = ChronicleJournal.open(cut, FsyncPolicy.BATCH)) {
            assertThat(j.lastIndex()).isEqualTo(300);
            assertHolds(Entries.readAll(j), 1, 300, 1, 0);
        }
        assertThatThrownBy(() -> ChronicleJournal.open(forcedDamage, FsyncPolicy.BATCH).close())
            .isInstanceOf(JournalCorruptedException.class).hasMessageContaining("not a torn tail");
    }

    /**
     * A new leader cut this log below where the tail files begin (they were emptied at the start, so they hold
     * 101..110 of term 5 alone) and replaced the rest, in a later term or (a leader carrying over uncommitted
     * entries of an older one) an earlier one; killed then, with the replacing entries flushed through
     * {@code flushedThrough} (95: none) and written through {@code last}. The tail files showed the cut only by
     * the replacing records that follow the replaced ones, and laid over the cycle files in order those made a
     * log that could not be opened (a gap, or term 5 after term 6) or, silently, one that never existed (96..100
     * of term 4, then 101..110 of term 5). A tail record that a later one replaced is not replayed (found in
     * review), and a truncation puts a marker in the tail files, forced before the cycle files hear of it, for the
     * time before any replacing record is flushed (found in a second review).
     */
    @ParameterizedTest(name = "new term {0}, flushed through {1}, written through {2}")
    @CsvSource({"6, 98, 105", "4, 98, 105", "6, 95, 98", "6, 95, 103", "4, 95, 98", "4, 95, 103"})
    void entriesATruncationReplacedDoNotComeBackFromTheTailFiles(long newTerm, long flushedThrough, long last)
        throws IOException {
        startWithForcedCopy(100);
        Path killed = dir.resolve("killed");
        try (ChronicleJournal j = ChronicleJournal.open(live, FsyncPolicy.BATCH)) {
            append(j, 101, 110, 5, 0);
            assertThat(j.flush()).isEqualTo(110);
            j.truncateAfter(95);
            if (flushedThrough > 95) {
                append(j, 96, flushedThrough, newTerm, 7);
                assertThat(j.flush()).isEqualTo(flushedThrough);
            }
            append(j, flushedThrough + 1, last, newTerm, 7); // written, not yet forced
            copyDirectory(live, killed); // a kill: the page cache keeps what was written
        }
        JournalInspector.Report report = JournalInspector.verify(killed);
        assertThat(report.ok()).as(report.problems().toString()).isTrue();
        assertThat(report.lastIndexAfterReplay()).isEqualTo(last);
        try (ChronicleJournal j = ChronicleJournal.open(killed, FsyncPolicy.BATCH)) {
            assertThat(j.lastIndex()).isEqualTo(last);
            List<Entries.Read> reads = Entries.readAll(j);
            assertHolds(reads, 1, 95, 1, 0);
            assertHolds(reads, 96, last, newTerm, 7);
        }
    }

    /**
     * A follower dropped its log for a leader's snapshot and the cycle files lost the compaction record (and
     * everything since their last force): the tail files' copy of the record installs the snapshot again, the
     * dropped log's records before it stay dropped, and the entries after it come back. Also when the dropped
     * log's last records were written but never flushed: the writer had handed them on for the tail files
     * ({@link TailHandoff}), and the flush after the snapshot must not take them for entries after it.
     */
    @ParameterizedTest(name = "dropped log flushed first: {0}")
    @ValueSource(booleans = {true, false})
    void aSnapshotOnlyTheTailFilesHoldIsInstalledAgainAndTheLogItDroppedStaysDropped(boolean flushedFirst) throws IOException {
        startWithForcedCopy(100);
        try (ChronicleJournal j = ChronicleJournal.open(live, FsyncPolicy.BATCH)) {
            append(j, 101, 150, 1, 0);
            if (flushedFirst) {
                assertThat(j.flush()).isEqualTo(150);
            }
            j.installSnapshot(120, 2);
            append(j, 121, 130, 2, 9);
            assertThat(j.flush()).isEqualTo(130);
            copyTailFiles(live, lost);
        }
        JournalInspector.Report report = JournalInspector.verify(lost);
        assertThat(report.ok()).as(report.problems().toString()).isTrue();
        assertThat(report.lastIndexAfterReplay()).isEqualTo(130);
        assertThat(dump(lost)).extracting(Dumped::index)
            .containsExactlyElementsOf(LongStream.rangeClosed(121, 130).boxed().toList());
        try (ChronicleJournal j = ChronicleJournal.open(lost, FsyncPolicy.BATCH)) {
            assertThat(j.firstIndex()).isEqualTo(121);
            assertThat(j.lastIndex()).isEqualTo(130);
            assertThat(j.termAt(120)).isEqualTo(2);
            List<Entries.Read> reads = Entries.readAll(j);
            assertThat(reads).hasSize(10);
            for (Entries.Read r : reads) {
                assertThat(r.term()).isEqualTo(2);
                assertThat(r.payload()).isEqualTo(Entries.payload(r.index(), 9));
            }
        }
    }

    /**
     * A follower's written but unflushed entries 121..150 are truncated away and replaced by 121..130 of a new
     * term before any flush: the writer had handed the old ones on for the tail files ({@link TailHandoff}), and
     * the flush must take the replacing ones, so that the tail files rebuild the log the writer has.
     */
    @Test
    void entriesTruncatedBeforeTheirFirstFlushNeverReachTheTailFiles() throws IOException {
        startWithForcedCopy(100);
        try (ChronicleJournal j = ChronicleJournal.open(live, FsyncPolicy.BATCH)) {
            append(j, 101, 150, 1, 0);
            j.truncateAfter(120);
            append(j, 121, 130, 2, 9);
            assertThat(j.flush()).isEqualTo(130);
            assertThat(j.handoffCounts()[2]).as("records taken from the handoff").isPositive();
            copyTailFiles(live, lost);
        }
        try (ChronicleJournal j = ChronicleJournal.open(lost, FsyncPolicy.BATCH)) {
            List<Entries.Read> reads = Entries.readAll(j);
            assertThat(reads).hasSize(130);
            assertHolds(reads, 101, 120, 1, 0);
            assertHolds(reads, 121, 130, 2, 9);
        }
    }

    /**
     * The same with the compaction record durable in the cycle files: the tail files still hold the dropped
     * log's 121..150 (term 1) before their copy of the record, and laying those over the empty log would
     * make a log that never existed (121 of term 1 after 120 of term 2).
     */
    @Test
    void aSnapshotTheCycleFilesHoldKeepsTheDroppedLogInTheTailFilesFromComingBack() throws IOException {
        startWithForcedCopy(100);
        Path copy = dir.resolve("copy");
        try (ChronicleJournal j = ChronicleJournal.open(live, FsyncPolicy.BATCH)) {
            append(j, 101, 150, 1, 0);
            assertThat(j.flush()).isEqualTo(150);
            j.installSnapshot(120, 2); // forced: cycle files and tail files both hold the record now
            copyDirectory(live, copy); // a crash right here: nothing appended since, tail files not cleared
        }
        assertThat(JournalInspector.verify(copy).lastIndexAfterReplay()).isEqualTo(120);
        assertTheSnapshotThrough120IsInstalled(copy);
    }

    /**
     * A crash while installing the snapshot (a copy of the files at that instant: what a SIGKILL leaves, the page
     * cache outliving the process), once the cycle files hold the compaction record but before it was
     * forced: the tail files must already hold theirs, else replay lays the dropped log's 121..150 (term 1) over
     * the empty log after 120 (term 2), and the journal could never be opened again.
     */
    @Test
    void aCrashWhileTheSnapshotIsWrittenComesBackWithTheSnapshot() throws IOException {
        startWithForcedCopy(100);
        Path killed = dir.resolve("killed");
        try (ChronicleJournal j = ChronicleJournal.open(live, FsyncPolicy.BATCH)) {
            append(j, 101, 150, 1, 0);
            assertThat(j.flush()).isEqualTo(150);
            j.afterSnapshotMarkerWritten = () -> { // a copy of the page cache, which outlives the process
                try {
                    copyDirectory(live, killed);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            j.installSnapshot(120, 2);
        }
        JournalInspector.Report report = JournalInspector.verify(killed);
        assertThat(report.ok()).as(report.problems().toString()).isTrue();
        assertThat(report.lastIndexAfterReplay()).isEqualTo(120);
        assertTheSnapshotThrough120IsInstalled(killed);
    }

    /**
     * A power cut while a follower forced the cycle files after writing a leader's snapshot marker (the tail files'
     * copy of the marker was forced first): write-back had put the marker's page on disk but the disk lost an
     * earlier one it had not been told to force yet (a damaged byte in entry 110 or 150, which its checksum catches),
     * so the scan meets damage followed by whole records before the latest marker. Nothing forced depends on the
     * lost page: the tail files hold the marker. The journal opens with the snapshot installed (the marker's effect
     * applied: the cycle files are cut back at the damage, their copy of the marker with it, and the tail files'
     * copy installs the snapshot again, replacing every entry through 120), entry 110 lying below the snapshot
     * and 150 above it. Before, the node refused to start (docs/ARCHITECTURE.md's known gaps, found in review).
     */
    @ParameterizedTest(name = "entry {0} damaged")
    @ValueSource(longs = {110, 150})
    void aPowerCutWhileTheSnapshotMarkerIsForcedThatLostAnEarlierPageOpensWithTheSnapshot(long damaged) throws IOException {
        startWithForcedCopy(100);
        Path cut = dir.resolve("cut");
        try (ChronicleJournal j = ChronicleJournal.open(live, FsyncPolicy.BATCH)) {
            appendInDocumentsOfTwenty(j, 101, 300);
            assertThat(j.flush()).isEqualTo(300);
            j.afterSnapshotMarkerWritten = copyingTo(live, cut);
            j.installSnapshot(120, 2);
        }
        flipLastPayloadByteOfEntry(cut, damaged);

        JournalInspector.Report report = JournalInspector.verify(cut);
        assertThat(report.ok()).as(report.problems().toString()).isTrue();
        assertThat(report.lastIndexAfterReplay()).isEqualTo(120);
        assertTheSnapshotThrough120IsInstalled(cut);
    }

    /**
     * A media error in the 4-byte header of a document the last start forced: Chronicle's reading stops there,
     * and the open cut the journal back to the document before it, dropping 101..300, which had been flushed
     * (acknowledged) and forced again by that start, without a word; the tail files, emptied by that start, held
     * nothing to bring back. A start now moves the seal up to the last document it forced, so the open refuses,
     * naming the missing documents (found in review).
     */
    @ParameterizedTest(name = "header or-ed with {0}")
    @ValueSource(ints = {0, 0x80000000})
    void aDamagedDocumentHeaderBelowWhatTheLastStartForcedIsRefusedNotCutBack(int mask) throws IOException {
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        Path third = dir.resolve("third");
        try (ChronicleJournal j = ChronicleJournal.open(first, FsyncPolicy.BATCH)) {
            appendInDocumentsOfTwenty(j, 1, 300);
            assertThat(j.flush()).isEqualTo(300);
            copyDirectory(first, second); // killed
        }
        try (ChronicleJournal j = ChronicleJournal.open(second, FsyncPolicy.BATCH)) {
            assertThat(j.lastIndex()).isEqualTo(300);
            copyDirectory(second, third); // killed again, right after the start
        }
        RecordAt r = recordOfEntry(third, 101); // the first record of its document: the header is just before it
        try (FileChannel ch = FileChannel.open(r.file(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ch.read(header, r.at() - 4);
            int damaged = mask == 0 ? 0 : header.getInt(0) | mask;
            ch.write(ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, damaged), r.at() - 4);
        }
        assertThatThrownBy(() -> ChronicleJournal.open(third, FsyncPolicy.BATCH).close())
            .isInstanceOf(JournalCorruptedException.class)
            .hasMessageContaining("forced documents are missing");
        assertThat(JournalInspector.verify(third).ok()).as("the inspector refuses it too").isFalse();
    }

    /**
     * A bit flip (a media error, not a power cut) in an old entry that a truncation later replaced, lying above
     * where the tail files begin, with whole records after it. Judged by its Raft index alone, the damage read as
     * unforced pages the tail files make good, and the cut kept the entries before it: 151..250 of term 1, which
     * the truncation to 150 had replaced with committed entries of term 2, came back in their place, and the
     * journal opened without a word (found in review, with and without a compaction record after the damage). The
     * whole records after the damage reach below the tail files (the truncation, then 151..250), so the damage is
     * no unforced page: refused.
     */
    @ParameterizedTest(name = "compaction record after the damage: {0}")
    @ValueSource(booleans = {true, false})
    void damageInEntriesATruncationReplacedIsRefusedNotCutBackOverTheirReplacements(boolean withMarker) throws IOException {
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        Path third = dir.resolve("third");
        Path cut = dir.resolve("cut");
        try (ChronicleJournal j = ChronicleJournal.open(first, FsyncPolicy.BATCH, rollingEverySecond())) {
            append(j, 1, 100, 1, 0);
            j.flush();
        }
        clock.advanceMillis(1000);
        try (ChronicleJournal j = ChronicleJournal.open(first, FsyncPolicy.BATCH, rollingEverySecond())) {
            appendInDocumentsOfTwenty(j, 101, 300);
            assertThat(j.flush()).isEqualTo(300);
            copyDirectory(first, second); // killed: what the page cache held
        }
        try (ChronicleJournal j = ChronicleJournal.open(second, FsyncPolicy.BATCH, rollingEverySecond())) {
            j.truncateAfter(150); // a new leader's log: 151..250 of term 2, committed
            append(j, 151, 250, 2, 7);
            assertThat(j.flush()).isEqualTo(250);
            copyDirectory(second, third); // killed again
        }
        try (ChronicleJournal j = ChronicleJournal.open(third, FsyncPolicy.BATCH, rollingEverySecond())) {
            append(j, 251, 400, 2, 7); // the tail files hold the log from 251
            assertThat(j.flush()).isEqualTo(400);
            if (withMarker) {
                j.afterCompactionMarkerWritten = copyingTo(third, cut); // killed before the record's force
                j.compactBefore(120);
            } else {
                copyDirectory(third, cut);
            }
        }
        flipLastPayloadByteOfEntry(cut, 270); // the replaced entry 270 of term 1, forced long before
        assertThatThrownBy(() -> ChronicleJournal.open(cut, FsyncPolicy.BATCH, rollingEverySecond()).close())
            .isInstanceOf(JournalCorruptedException.class)
            .hasMessageContaining("not a torn tail")
            .hasMessageContaining("truncates back to entry 151, below entry 251 where the tail files begin");
        assertThat(JournalInspector.verify(cut, rollingEverySecond()).ok()).as("the inspector refuses it too").isFalse();
    }

    private final SetTimeProvider clock = new SetTimeProvider("2026-01-01T00:00:00");

    private JournalOptions rollingEverySecond() {
        return JournalOptions.defaults().rollCycle(TestRollCycles.TEST_SECONDLY).timeProvider(clock);
    }

    /**
     * In {@code root}: journal {@code live} gets 1..100 (term 1) in one file, forced by a clean close, then 101..300
     * as one document in the next second's file, flushed (the tail files hold 101..300), then {@code compactBefore(150)}
     * (the first file goes), its marker written into the same file or, with {@code markerInALaterFile}, the next
     * one. {@code copy} gets the files as the page cache holds them once the marker is written, before its force
     * (a power cut that kept every page), or, with {@code afterTheForce}, once the compaction is done.
     */
    private void compact(Path root, Path copy, boolean markerInALaterFile, boolean afterTheForce) throws IOException {
        Path journal = root.resolve("live");
        try (ChronicleJournal j = ChronicleJournal.open(journal, FsyncPolicy.BATCH, rollingEverySecond())) {
            append(j, 1, 100, 1, 0);
            j.flush();
        }
        try (ChronicleJournal j = ChronicleJournal.open(journal, FsyncPolicy.BATCH, rollingEverySecond())) {
            clock.advanceMillis(1000);
            append(j, 101, 300, 1, 0);
            assertThat(j.flush()).isEqualTo(300);
            if (markerInALaterFile) {
                clock.advanceMillis(1000);
            }
            if (!afterTheForce) {
                j.afterCompactionMarkerWritten = copyingTo(journal, copy);
            }
            j.compactBefore(150);
            assertThat(j.firstIndex()).isEqualTo(101);
            if (afterTheForce) {
                copyDirectory(journal, copy);
            }
        }
        clock.advanceMillis(1000);
    }

    /**
     * A power cut while retention's compaction marker was forced: the disk kept the marker's page but lost an
     * earlier page of the document holding 101..300, which write-behind had not forced (zeros over the page holding
     * entry 150). The tail files hold every entry from 101, so nothing forced is lost: the cycle files are cut back
     * at the damage, the marker with it, and the journal opens with every entry, uncompacted (the marker's effect
     * not applied: the dropped file was still there, since files go only once the marker is forced, and retention
     * compacts again). Before, the node refused to start (docs/ARCHITECTURE.md's known gaps, found in review).
     */
    @ParameterizedTest(name = "marker in a later file: {0}")
    @ValueSource(booleans = {false, true})
    void aPowerCutWhileACompactionMarkerIsForcedThatLostAnEarlierPageOpensWithEveryEntry(boolean markerInALaterFile)
        throws IOException {
        Path cut = dir.resolve("cut");
        compact(dir, cut, markerInALaterFile, false);
        losePageHoldingEntry(cut, 150, 101, 300);

        JournalOptions options = rollingEverySecond();
        JournalInspector.Report report = JournalInspector.verify(cut, options);
        assertThat(report.ok()).as(report.problems().toString()).isTrue();
        assertThat(report.lastIndexAfterReplay()).isEqualTo(300);
        try (ChronicleJournal j = ChronicleJournal.open(cut, FsyncPolicy.BATCH, options)) {
            assertThat(j.firstIndex()).isEqualTo(1);
            assertThat(j.lastIndex()).isEqualTo(300);
            assertHolds(Entries.readAll(j), 1, 300, 1, 0);
            append(j, 301, 310, 1, 0);
            assertThat(j.flush()).isEqualTo(310);
        }
        try (ChronicleJournal j = ChronicleJournal.open(cut, FsyncPolicy.BATCH, options)) {
            assertHolds(Entries.readAll(j), 1, 310, 1, 0);
        }
    }

    /**
     * Damage before the latest marker stays corruption where cutting it back would lose what was forced: below
     * where the tail files hold the log (entry 50, forced by the clean close; the tail files hold 101 on), and where
     * the journal before the damage is no log on its own (the compaction finished and dropped the file of 1..100, so
     * the marker had been forced with every page before it: 101..149 with nothing to explain the missing 1..100).
     * Both refuse to open, naming the damaged record and its file, and leave the files as they were.
     */
    @Test
    void damageBeforeAMarkerIsStillRefusedWhereCuttingItBackWouldLoseForcedEntries() throws IOException {
        Path belowTail = dir.resolve("below-tail");
        compact(dir.resolve("a"), belowTail, false, false);
        Path afterDrop = dir.resolve("after-drop");
        compact(dir.resolve("b"), afterDrop, false, true);
        Map<Path, String> fileOfDamage = Map.of(belowTail, recordOfEntry(belowTail, 50).file().getFileName().toString(),
            afterDrop, recordOfEntry(afterDrop, 150).file().getFileName().toString());
        flipLastPayloadByteOfEntry(belowTail, 50);
        flipLastPayloadByteOfEntry(afterDrop, 150);

        JournalOptions options = rollingEverySecond();
        for (Path damaged : List.of(belowTail, afterDrop)) {
            Map<Path, byte[]> before = cycleFileBytes(damaged);
            JournalInspector.Report report = JournalInspector.verify(damaged, options);
            assertThat(report.ok()).as("verify of %s", damaged).isFalse();
            assertThatThrownBy(() -> ChronicleJournal.open(damaged, FsyncPolicy.BATCH, options).close())
                .as("open of %s", damaged)
                .isInstanceOf(JournalCorruptedException.class)
                .hasMessageContaining("not a torn tail")
                .hasMessageContaining(damaged == belowTail ? "(expected Raft index 50)"
                    : "no log without the compaction record after it")
                .hasMessageContaining(fileOfDamage.get(damaged));
            assertThat(cycleFileBytes(damaged)).as("files of %s", damaged).containsOnlyKeys(before.keySet());
            before.forEach((file, bytes) -> {
                try {
                    assertThat(Files.readAllBytes(file)).as("%s", file).isEqualTo(bytes);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static Map<Path, byte[]> cycleFileBytes(Path dir) throws IOException {
        Map<Path, byte[]> bytes = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cq4")).toList()) {
                bytes.put(f, Files.readAllBytes(f));
            }
        }
        return bytes;
    }

    /** The journal in {@code dir} opens empty after a snapshot through index 120 of term 2, and takes 121. */
    private static void assertTheSnapshotThrough120IsInstalled(Path dir) {
        try (ChronicleJournal j = ChronicleJournal.open(dir, FsyncPolicy.BATCH)) {
            assertThat(j.firstIndex()).isEqualTo(121);
            assertThat(j.lastIndex()).isEqualTo(120);
            assertThat(j.termAt(120)).isEqualTo(2);
            append(j, 121, 122, 2, 9);
        }
    }
}
