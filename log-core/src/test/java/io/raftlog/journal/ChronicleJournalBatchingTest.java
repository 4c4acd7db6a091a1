package io.raftlog.journal;

import static io.raftlog.journal.MarkedPayloads.MARK;
import static io.raftlog.journal.MarkedPayloads.appendMarked;
import static io.raftlog.journal.MarkedPayloads.flipByteAt;
import static io.raftlog.journal.MarkedPayloads.forgetCleanClose;
import static io.raftlog.journal.MarkedPayloads.offsetOf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.raftlog.raft.EntryType;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Write-behind batching: appended entries are staged and written many records to one Chronicle document at
 * {@link Journal#writePending()}. Checks the documents on file, what the flusher and other threads may see
 * before and after, truncation on both sides of the written boundary, damage inside a multi-record
 * document, and a reader tailing the writer.
 */
class ChronicleJournalBatchingTest {

    @TempDir
    Path dir;

    private final SetTimeProvider clock = new SetTimeProvider("2026-01-01T00:00:00");
    private ChronicleJournal journal;

    @AfterEach
    void closeJournal() {
        if (journal != null) {
            journal.close();
        }
    }

    private JournalOptions options() {
        return JournalOptions.defaults().rollCycle(TestRollCycles.TEST_SECONDLY).timeProvider(clock);
    }

    private ChronicleJournal open(JournalOptions options) {
        return ChronicleJournal.open(dir.resolve("journal"), FsyncPolicy.BATCH, options);
    }

    private ChronicleJournal open() {
        return open(options());
    }

    private void fill(long from, long to, long term, long salt) {
        for (long i = from; i <= to; i++) {
            Entries.append(journal, i, term, salt);
        }
    }

    /** The size of every document on file, in order (a read-only queue beside the journal). */
    private List<Long> documentSizes() {
        List<Long> sizes = new ArrayList<>();
        try (SingleChronicleQueue q = ChronicleJournal.buildQueue(dir.resolve("journal"), options(), true, null);
             ExcerptTailer t = q.createTailer()) {
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        return sizes;
                    }
                    sizes.add(dc.wire().bytes().readRemaining());
                }
            }
        }
    }

    /** Every entry of {@code [from, to]} reads back with the payload of generation {@code salt(index)}. */
    private static void assertHolds(List<Entries.Read> reads, long from, long to, java.util.function.LongUnaryOperator salt) {
        assertThat(reads).hasSize((int) (to - from + 1));
        for (int k = 0; k < reads.size(); k++) {
            Entries.Read r = reads.get(k);
            assertThat(r.index()).isEqualTo(from + k);
            assertThat(r.type()).isEqualTo(Entries.typeOf(r.index()));
            assertThat(r.payload()).as("payload of %d", r.index()).isEqualTo(Entries.payload(r.index(), salt.applyAsLong(r.index())));
        }
    }

    private static List<Entries.Read> readWith(JournalReader reader, long from, long to) {
        Entries.Collector c = new Entries.Collector();
        long next = from;
        while (next <= to) {
            int n = reader.read(next, to, 7, Long.MAX_VALUE, c); // small reads: they start and stop inside documents
            if (n == 0) {
                break;
            }
            next += n;
        }
        return c.reads;
    }

    @Test
    void batchesBecomeOneDocumentEachAndReadBackBeforeAndAfterReopen() {
        journal = open();
        for (long i = 1; i <= 20; i++) { // one record per document, as journals written before batching
            Entries.append(journal, i, 1, 0);
            journal.writePending();
        }
        fill(21, 120, 1, 0);
        journal.writePending();
        fill(121, 170, 2, 0);
        journal.writePending();
        fill(171, 175, 2, 0); // staged at close: close writes them
        try (JournalReader reader = journal.newReader()) {
            assertHolds(readWith(reader, 1, 175), 1, 170, i -> 0);
        }
        assertHolds(Entries.readAll(journal), 1, 175, i -> 0);
        journal.close();
        assertThat(documentSizes()).hasSize(20 + 3);

        journal = open();
        assertThat(journal.lastIndex()).isEqualTo(175);
        assertThat(journal.termAt(120)).isEqualTo(1);
        assertThat(journal.termAt(121)).isEqualTo(2);
        assertHolds(Entries.readAll(journal), 1, 175, i -> 0);
        try (JournalReader reader = journal.newReader()) {
            assertHolds(readWith(reader, 1, 175), 1, 175, i -> 0);
            Entries.Collector c = new Entries.Collector(); // a read starting in the middle of a document
            assertThat(reader.read(60, 175, 3, Long.MAX_VALUE, c)).isEqualTo(3);
            assertHolds(c.reads, 60, 62, i -> 0);
        }
        JournalInspector.Report report = JournalInspector.verify(dir.resolve("journal"), options());
        assertThat(report.ok()).isTrue();
        assertThat(report.records()).isEqualTo(175);
        assertThat(report.lastIndex()).isEqualTo(175);
    }

    @Test
    void stagedEntriesAreNeitherDurableNorVisibleToOtherThreadsUntilWritten() throws Exception {
        journal = open();
        fill(1, 10, 1, 0);
        journal.writePending();
        fill(11, 20, 1, 0);
        assertThat(journal.lastIndex()).isEqualTo(20);
        assertThat(journal.flush()).as("the flusher only makes written entries durable").isEqualTo(10);
        assertThat(journal.durableIndex()).isEqualTo(10);
        assertThat(readOnAnotherThread(1, 20)).as("another thread sees the written entries only").isEqualTo(10);
        assertHolds(Entries.readAll(journal), 1, 20, i -> 0); // the writer reads its staged entries

        journal.writePending();
        assertThat(readOnAnotherThread(1, 20)).isEqualTo(20);
        assertThat(journal.flush()).isEqualTo(20);
        assertThat(documentSizes()).hasSize(2);
    }

    @Test
    void theWriterReadsStagedEntriesEvenWithoutRecentRecords() {
        journal = open(options().recentRecordBytes(0));
        fill(1, 30, 1, 0);
        assertHolds(Entries.readAll(journal), 1, 30, i -> 0); // served from the files: written first
        assertThat(journal.countWithin(25, 100, Long.MAX_VALUE)).isEqualTo(6);
    }

    private int readOnAnotherThread(long from, long to) throws InterruptedException {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try (JournalReader r = journal.newReader()) {
                result.set(r.read(from, to, 1000, Long.MAX_VALUE, new Entries.Collector()));
            } catch (Throwable e) {
                result.set(e);
            }
        }, "other-reader");
        t.start();
        t.join(30_000);
        assertThat(result.get()).isInstanceOf(Integer.class);
        return (Integer) result.get();
    }

    @Test
    void truncatingStagedEntriesDropsThemWithoutWritingAMarker() {
        journal = open();
        fill(1, 10, 1, 0);
        journal.writePending();
        assertThat(journal.flush()).isEqualTo(10);
        fill(11, 20, 1, 0);
        journal.truncateAfter(15);
        assertThat(journal.durableIndex()).isEqualTo(10);
        fill(16, 18, 2, 1);
        journal.writePending();
        assertThat(documentSizes()).as("no marker: the truncated entries were never written").hasSize(2);
        assertHolds(Entries.readAll(journal), 1, 18, i -> i <= 15 ? 0 : 1);
        journal.truncateAfter(10); // every staged and some written: nothing staged is left
        fill(11, 12, 3, 2);
        journal.close();

        journal = open();
        assertThat(journal.lastIndex()).isEqualTo(12);
        assertThat(journal.termAt(12)).isEqualTo(3);
        assertHolds(Entries.readAll(journal), 1, 12, i -> i <= 10 ? 0 : 2);
    }

    @Test
    void truncatingInsideAWrittenDocumentNeverServesItsVoidedRecords() throws Exception {
        journal = open();
        fill(1, 20, 1, 0);
        journal.writePending(); // one document holding 1..20
        assertThat(journal.flush()).isEqualTo(20);
        fill(21, 25, 1, 0);
        journal.truncateAfter(12);
        assertThat(journal.durableIndex()).isLessThanOrEqualTo(12);
        assertThat(readOnAnotherThread(1, 25)).isEqualTo(12);
        fill(13, 16, 2, 1);
        journal.writePending();
        try (JournalReader reader = journal.newReader()) {
            // 13..16 of the first document are still on file: the position map must lead past them
            assertHolds(readWith(reader, 1, 16), 1, 16, i -> i <= 12 ? 0 : 1);
        }
        assertHolds(Entries.readAll(journal), 1, 16, i -> i <= 12 ? 0 : 1);
        journal.close();

        journal = open();
        assertThat(journal.lastIndex()).isEqualTo(16);
        assertHolds(Entries.readAll(journal), 1, 16, i -> i <= 12 ? 0 : 1);
        try (JournalReader reader = journal.newReader()) {
            assertHolds(readWith(reader, 1, 16), 1, 16, i -> i <= 12 ? 0 : 1);
        }
    }

    @Test
    void theStagingAreaIsBoundedAndLargeRecordsGoAlone() {
        journal = open(options().stagingBytes(4096));
        byte[] p = new byte[100];
        for (long i = 1; i <= 1000; i++) { // one batch of 132 KB of records
            p[0] = (byte) i;
            journal.append(i, 1, EntryType.DATA, new UnsafeBuffer(p), 0, p.length);
        }
        byte[] big = new byte[10_000];
        big[9_999] = 42;
        journal.append(1001, 1, EntryType.DATA, new UnsafeBuffer(big), 0, big.length);
        p[0] = (byte) 1002;
        journal.append(1002, 1, EntryType.DATA, new UnsafeBuffer(p), 0, p.length);
        journal.writePending();
        List<Long> sizes = documentSizes();
        assertThat(sizes).allMatch(s -> s <= 4096 || s == 32 + 10_000);
        assertThat(sizes).contains(32L + 10_000);
        assertThat(sizes.size()).isBetween(1000 * 132 / 4096 + 2, 1000 * 132 / 3900 + 3);
        long[] seen = {0};
        try (JournalReader reader = journal.newReader()) {
            assertThat(reader.read(1, 1002, 2000, Long.MAX_VALUE, (i, t, ty, b, o, l) -> {
                assertThat(l).isEqualTo(i == 1001 ? 10_000 : 100);
                assertThat(b.getByte(o + (i == 1001 ? 9_999 : 0))).isEqualTo(i == 1001 ? (byte) 42 : (byte) i);
                seen[0]++;
                return true;
            })).isEqualTo(1002);
        }
        assertThat(seen[0]).isEqualTo(1002);
    }

    // ------------------------------------------------------------------ damage inside a document

    /** Two documents, 1..10 and 11..20, in one file; returns it. */
    private Path writeTwoMarkedDocuments() throws IOException {
        journal = open();
        for (long i = 1; i <= 20; i++) {
            appendMarked(journal, i);
            if (i % 10 == 0) {
                journal.writePending();
            }
        }
        journal.flush();
        journal.close();
        journal = null;
        forgetCleanClose(dir.resolve("journal")); // the damage tests model what a crash after the flush leaves
        try (Stream<Path> s = Files.list(dir.resolve("journal"))) {
            return s.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    @Test
    void aDamagedRecordInsideTheLastDocumentIsATornTailCutBackFromThatRecord() throws IOException {
        Path file = writeTwoMarkedDocuments();
        flipByteAt(file, offsetOf(Files.readAllBytes(file), 15) + 3);
        JournalInspector.Report report = JournalInspector.verify(dir.resolve("journal"), options());
        assertThat(report.tornTail()).contains("checksum").contains("record 4 of").contains(file.getFileName().toString());

        journal = open();
        assertThat(journal.lastIndex()).as("the whole records before the damaged one stay").isEqualTo(14);
        List<Entries.Read> all = Entries.readAll(journal);
        assertThat(all).hasSize(14);
        for (Entries.Read r : all) {
            assertThat(new String(r.payload(), StandardCharsets.US_ASCII)).startsWith(MARK + String.format("%06d", r.index()));
        }
        appendMarked(journal, 15);
        appendMarked(journal, 16);
        journal.close();

        journal = open();
        assertThat(journal.lastIndex()).isEqualTo(16);
        assertThat(Entries.readAll(journal)).hasSize(16);
    }

    @Test
    void aDamagedRecordInsideADocumentFollowedByWholeDocumentsRefusesToOpenNamingTheIndexAndFile() throws IOException {
        Path file = writeTwoMarkedDocuments();
        flipByteAt(file, offsetOf(Files.readAllBytes(file), 5) + 3);
        assertThatThrownBy(this::open)
            .isInstanceOf(JournalCorruptedException.class)
            .hasMessageContaining("checksum")
            .hasMessageContaining("index 5")
            .hasMessageContaining("record 4 of")
            .hasMessageContaining(file.getFileName().toString());
    }

    @Test
    void aDocumentCutShortKeepsItsWholeRecords() throws IOException {
        Path file = writeTwoMarkedDocuments();
        byte[] bytes = Files.readAllBytes(file);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(offsetOf(bytes, 17) + 10); // inside the payload of 17
        }
        journal = open();
        assertThat(journal.lastIndex()).isBetween(10L, 16L); // Chronicle may drop the incomplete document whole
        assertThat(Entries.readAll(journal)).hasSize((int) journal.lastIndex());
    }

    // ------------------------------------------------------------------ a reader tailing the writer

    @Test
    void aReaderOnAnotherThreadTailingTheWriterSeesEveryIndexOnceInOrder() throws Exception {
        journal = open(options().stagingBytes(8 * 1024));
        int n = 30_000;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] nextSeen = {1};
        Thread tail = new Thread(() -> {
            try (JournalReader reader = journal.newReader()) {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (nextSeen[0] <= n && System.nanoTime() < deadline) {
                    reader.read(nextSeen[0], Long.MAX_VALUE, 1 + (int) (nextSeen[0] % 97), 4096, (i, t, ty, b, o, l) -> {
                        if (i != nextSeen[0]) {
                            throw new AssertionError("expected index " + nextSeen[0] + " but read " + i);
                        }
                        byte[] expected = Entries.payload(i, 0);
                        if (l != expected.length || (l > 0 && b.getByte(o + l - 1) != expected[l - 1])) {
                            throw new AssertionError("payload of " + i + " differs");
                        }
                        nextSeen[0]++;
                        return true;
                    });
                    Thread.onSpinWait();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "tailing-reader");
        tail.start();
        SplittableRandom random = new SplittableRandom(7);
        long next = 1;
        while (next <= n) {
            long batchEnd = Math.min(n, next + random.nextInt(400)); // some batches overflow the staging area
            fill(next, batchEnd, 1, 0);
            journal.writePending();
            next = batchEnd + 1;
        }
        tail.join(90_000);
        assertThat(failure.get()).isNull();
        assertThat(nextSeen[0]).isEqualTo(n + 1L);
    }
}
