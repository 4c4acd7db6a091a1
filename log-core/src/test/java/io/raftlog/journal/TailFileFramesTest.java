package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.raftlog.raft.EntryType;

/**
 * Tail files hold the journal's records verbatim inside FRAME records that carry the file's generation
 * ({@link TailWal#appendRecord}). A read hands back every entry of the file's own generation, in order; it stops
 * at a torn frame as it stops at a torn record (an older generation's frames: {@link TailFileTest}); a frame
 * whose checksum holds over records that do not is corruption, named, not a torn end; files written before
 * frames still read.
 */
class TailFileFramesTest {
    private static final CRC32C CRC = new CRC32C();

    @TempDir
    Path dir;

    /** The journal's own form of entry {@code index}: tag 0, payload {@code payloadBytes} bytes starting with the index. */
    private static int record(UnsafeBuffer dst, int at, long index, long term, int payloadBytes) {
        UnsafeBuffer payload = new UnsafeBuffer(new byte[payloadBytes]);
        if (payloadBytes >= 8) {
            payload.putLong(0, index);
        }
        return RecordFormat.encode(CRC, dst, at, EntryType.DATA, index, term, payload, 0, payloadBytes);
    }

    private static List<Long> indexes(Path file) {
        List<Long> seen = new ArrayList<>();
        TailFile.read(file, (kind, index, term, buffer, offset, length) -> seen.add(index));
        return seen;
    }

    private Path written(ByteBuffer... writes) {
        Path path = dir.resolve("t.wal");
        try (TailFile f = TailFile.openEmpty(path, true)) {
            f.begin(1);
            for (ByteBuffer w : writes) {
                f.write(w);
            }
            f.force();
        }
        return path;
    }

    private static void flipByte(Path path, long position) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x40)).rewind();
            ch.write(one, position);
        }
    }

    @Test
    void aTornFrameEndsTheReadWithTheWholeFramesBeforeIt() throws IOException {
        ByteBuffer first = TailFileTest.frames(1, 50, 1, 100, 25);
        int firstBytes = first.remaining();
        Path path = written(first, TailFileTest.frames(51, 100, 1, 100, 25));
        flipByte(path, firstBytes + RecordFormat.HEADER_LENGTH + 2 * (RecordFormat.HEADER_LENGTH + 100) + 7); // inside entry 53
        assertThat(indexes(path)).hasSize(50).endsWith(50L);
    }

    @Test
    void aSealedFrameOverADamagedRecordIsCorruptionNamingTheFileAndPlace() {
        ByteBuffer bytes = TailFileTest.frames(1, 20, 1, 64, 10);
        UnsafeBuffer b = new UnsafeBuffer(bytes.array());
        int secondFrame = RecordFormat.HEADER_LENGTH + 10 * (RecordFormat.HEADER_LENGTH + 64);
        int damagedRecord = secondFrame + RecordFormat.HEADER_LENGTH + 3 * (RecordFormat.HEADER_LENGTH + 64);
        b.putByte(damagedRecord + RecordFormat.HEADER_LENGTH + 9, (byte) 0x5a); // entry 14's payload; its own checksum now fails
        RecordFormat.sealFrame(CRC, b, secondFrame, 11, 10, 10 * (RecordFormat.HEADER_LENGTH + 64), 1); // the frame's holds
        Path path = written(bytes);
        assertThatThrownBy(() -> indexes(path)).isInstanceOf(JournalCorruptedException.class)
            .hasMessageContaining(path.toString()).hasMessageContaining("record 3 of the frame at byte " + secondFrame)
            .hasMessageContaining("checksum mismatch");
    }

    @Test
    void aFrameWhoseRecordCountDisagreesWithItsHeaderIsCorruption() {
        ByteBuffer bytes = TailFileTest.frames(1, 10, 1, 64, 10);
        RecordFormat.sealFrame(CRC, new UnsafeBuffer(bytes.array()), 0, 1, 11, bytes.remaining() - RecordFormat.HEADER_LENGTH, 1);
        Path path = written(bytes);
        assertThatThrownBy(() -> indexes(path)).isInstanceOf(JournalCorruptedException.class)
            .hasMessageContaining("holds 10 records where its header says 11");
    }

    @Test
    void recordsTaggedOneByOneAsBeforeFramesStillReadFollowedByFrames() {
        UnsafeBuffer old = new UnsafeBuffer(new byte[5 * (RecordFormat.HEADER_LENGTH + 40)]);
        UnsafeBuffer payload = new UnsafeBuffer(new byte[40]);
        int at = 0;
        for (long i = 1; i <= 5; i++) {
            at += TailFileTest.taggedRecord(old, at, i, payload, 1);
        }
        Path path = written(ByteBuffer.wrap(old.byteArray(), 0, at), TailFileTest.frames(6, 30, 1, 40, 8));
        assertThat(indexes(path)).hasSize(30).startsWith(1L).endsWith(30L);
    }

    /**
     * What the flusher does, through {@link TailWal}: records of seeded random sizes (one larger than the
     * megabyte the flusher gathers before a write, one larger than the staging memory of a direct write), forced
     * at random points, replay whole and in order with their payloads.
     */
    @Test
    void everyRecordTheWalTakesReplaysInOrderWithItsPayload() {
        long seed = Long.getLong("raftlog.test.seed", System.nanoTime());
        System.out.println("TailFileFramesTest seed " + seed + " (replay: -Draftlog.test.seed=" + seed + ")");
        Random random = new Random(seed);
        List<Long> expected = new ArrayList<>();
        List<Integer> expectedLengths = new ArrayList<>();
        TailWal wal = new TailWal(dir, 16L << 20, true, () -> { }, "test-checkpoint");
        try {
            UnsafeBuffer rec = new UnsafeBuffer(new byte[RecordFormat.HEADER_LENGTH + (3 << 20)]);
            for (long index = 1; index <= 3_000; index++) {
                int payload = index == 1_000 ? (3 << 20) - 5 : index == 2_000 ? (1 << 20) + 3 : 8 + random.nextInt(2_000);
                int length = record(rec, 0, index, 7, payload);
                wal.appendRecord(rec, 0, length);
                expected.add(index);
                expectedLengths.add(payload);
                if (random.nextInt(50) == 0) {
                    wal.force();
                }
            }
            wal.force();
        } finally {
            wal.close(false);
        }
        List<Long> seen = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        TailWal.replay(dir, (kind, index, term, buffer, offset, length) -> {
            assertThat(kind).isEqualTo(EntryType.DATA);
            assertThat(term).isEqualTo(7);
            assertThat(buffer.getLong(offset)).as("payload of entry %d", index).isEqualTo(index);
            seen.add(index);
            lengths.add(length);
        });
        assertThat(seen).as("seed %d", seed).isEqualTo(expected);
        assertThat(lengths).as("seed %d", seed).isEqualTo(expectedLengths);
    }
}
