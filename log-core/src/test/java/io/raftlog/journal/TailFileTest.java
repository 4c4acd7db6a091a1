package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import io.raftlog.raft.EntryType;

/**
 * A reused tail file never hands back a record of an earlier turn, and hands back every record of its own, whether
 * written through the page cache or with O_DIRECT (whole blocks, the last partial one written again each time).
 */
class TailFileTest {

    @TempDir
    Path dir;

    private static ByteBuffer records(long from, long to, int generation, int payloadBytes) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[(int) (to - from + 1) * (RecordFormat.HEADER_LENGTH + payloadBytes)]);
        UnsafeBuffer payload = new UnsafeBuffer(new byte[payloadBytes]);
        int at = 0;
        for (long i = from; i <= to; i++) {
            payload.putLong(0, i);
            at += taggedRecord(b, at, i, payload, generation);
        }
        return ByteBuffer.wrap(b.byteArray(), 0, at);
    }

    /**
     * Entry {@code index} as tail files held it before frames: the record with the file's generation in its own
     * tag, sealed again. Returns its length.
     */
    static int taggedRecord(UnsafeBuffer dst, int at, long index, UnsafeBuffer payload, int generation) {
        CRC32C crc = new CRC32C();
        int length = RecordFormat.encode(crc, dst, at, EntryType.DATA, index, 1, payload, 0, payload.capacity());
        dst.putInt(at + RecordFormat.TAG_OFFSET, generation);
        dst.putInt(at + RecordFormat.CRC_OFFSET, RecordFormat.checksum(crc, dst, at, length));
        return length;
    }

    /** Frames of {@code perFrame} journal records (tag 0) each for entries from..to, as {@link TailWal} writes them. */
    static ByteBuffer frames(long from, long to, int generation, int payloadBytes, int perFrame) {
        CRC32C crc = new CRC32C();
        int recordBytes = RecordFormat.HEADER_LENGTH + payloadBytes;
        long count = to - from + 1;
        UnsafeBuffer b = new UnsafeBuffer(new byte[(int) (count * recordBytes + (count / perFrame + 1) * RecordFormat.HEADER_LENGTH)]);
        UnsafeBuffer payload = new UnsafeBuffer(new byte[payloadBytes]);
        int at = 0;
        for (long first = from; first <= to; first += perFrame) {
            int frameAt = at;
            at += RecordFormat.HEADER_LENGTH;
            long last = Math.min(to, first + perFrame - 1);
            for (long i = first; i <= last; i++) {
                payload.putLong(0, i);
                at += RecordFormat.encode(crc, b, at, EntryType.DATA, i, 1, payload, 0, payloadBytes);
            }
            RecordFormat.sealFrame(crc, b, frameAt, first, (int) (last - first + 1), at - frameAt - RecordFormat.HEADER_LENGTH, generation);
        }
        return ByteBuffer.wrap(b.byteArray(), 0, at);
    }

    private static List<Long> indexes(Path file) {
        List<Long> seen = new ArrayList<>();
        TailFile.read(file, (kind, index, term, buffer, offset, length) -> seen.add(index));
        return seen;
    }

    /** Records tagged one by one (the form before frames), or in frames of ten (see {@link TailFileFramesTest}). */
    @ParameterizedTest(name = "direct I/O requested: {0}, frames: {1}")
    @CsvSource({"false, false", "true, false", "false, true", "true, true"})
    void aNewTurnEndsWhereItsOwnRecordsEndEvenWhenOlderRecordsFollowOnRecordBoundaries(boolean directIo, boolean framed) {
        Path path = dir.resolve("t.wal");
        try (TailFile f = TailFile.openEmpty(path, directIo)) {
            f.begin(1);
            f.write(framed ? frames(1, 100, 1, 16, 10) : records(1, 100, 1, 16));
            f.force();
            f.clearHead();
            f.begin(2);
            // same record (frame) size: the old ones continue on a record (frame) boundary
            f.write(framed ? frames(500, 539, 2, 16, 10) : records(500, 539, 2, 16));
            f.force();
        }
        assertThat(indexes(path)).hasSize(40).startsWith(500L).endsWith(539L);
        assertThat(TailFile.read(path, null).records()).isEqualTo(40);
        assertThat(TailFile.read(path, null).generation()).isEqualTo(2);
    }

    @ParameterizedTest(name = "direct I/O requested: {0}")
    @ValueSource(booleans = {false, true})
    void aClearedFileHoldsNothingAndZerosAreNotRecords(boolean directIo) {
        Path path = dir.resolve("t.wal");
        try (TailFile f = TailFile.openEmpty(path, directIo)) {
            f.extendWithZeros(64 * 1024, () -> false);
            assertThat(indexes(path)).isEmpty();
            f.begin(7);
            f.write(records(1, 10, 7, 100));
            f.force();
            assertThat(indexes(path)).hasSize(10);
            f.clearHead();
        }
        assertThat(indexes(path)).isEmpty();
        assertThat(TailFile.read(path, null).generation()).isNull();
    }

    /**
     * One record per write and force, of sizes that end inside blocks at ever other offsets (as W2 writes), then
     * one write larger than a direct write's staging memory: every record comes back, in order, and the position
     * is where the records end (not where the padded blocks do).
     */
    @ParameterizedTest(name = "direct I/O requested: {0}")
    @ValueSource(booleans = {false, true})
    void smallForcesAndAWriteLargerThanTheStagingMemoryAllReadBack(boolean directIo) {
        Path path = dir.resolve("t.wal");
        long expectedPosition = 0;
        try (TailFile f = TailFile.openEmpty(path, directIo)) {
            f.extendWithZeros(256 * 1024, () -> false);
            f.begin(3);
            for (long i = 1; i <= 300; i++) {
                ByteBuffer one = records(i, i, 3, (int) (i * 37 % 1500));
                expectedPosition += one.remaining();
                f.write(one);
                f.force();
                assertThat(f.position()).isEqualTo(expectedPosition);
            }
            ByteBuffer large = records(301, 2300, 3, 1200); // 2.4 MB: more than one staging megabyte
            expectedPosition += large.remaining();
            f.write(large);
            f.force();
            assertThat(f.position()).isEqualTo(expectedPosition);
        }
        List<Long> seen = indexes(path);
        assertThat(seen).hasSize(2300);
        for (int i = 0; i < seen.size(); i++) {
            assertThat(seen.get(i)).isEqualTo(i + 1L);
        }
    }

    /** Where the file system takes O_DIRECT (ext4 and xfs do), asking for it gets it: the option is not silently off. */
    @Test
    void directIoIsUsedWhereTheFileSystemTakesIt() throws IOException {
        String type = Files.getFileStore(dir).type();
        assumeTrue(type.equals("ext4") || type.equals("xfs"), "temp dir on " + type);
        try (TailFile f = TailFile.openEmpty(dir.resolve("t.wal"), true)) {
            assertThat(f.isDirect()).isTrue();
        }
        try (TailFile f = TailFile.openEmpty(dir.resolve("u.wal"), false)) {
            assertThat(f.isDirect()).isFalse();
        }
    }
}
