package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.raftlog.raft.EntryType;

/** A reused tail file never hands back a record of an earlier turn. */
class TailFileTest {

    @TempDir
    Path dir;

    private static ByteBuffer records(long from, long to, int generation, int payloadBytes) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[(int) (to - from + 1) * (RecordFormat.HEADER_LENGTH + payloadBytes)]);
        UnsafeBuffer payload = new UnsafeBuffer(new byte[payloadBytes]);
        int at = 0;
        for (long i = from; i <= to; i++) {
            payload.putLong(0, i);
            at += RecordFormat.encode(new CRC32C(), b, at, EntryType.DATA, i, 1, payload, 0, payloadBytes, generation);
        }
        return ByteBuffer.wrap(b.byteArray(), 0, at);
    }

    private static List<Long> indexes(Path file) {
        List<Long> seen = new ArrayList<>();
        TailFile.read(file, (kind, index, term, buffer, offset, length) -> seen.add(index));
        return seen;
    }

    @Test
    void aNewTurnEndsWhereItsOwnRecordsEndEvenWhenOlderRecordsFollowOnRecordBoundaries() {
        Path path = dir.resolve("t.wal");
        try (TailFile f = TailFile.open(path)) {
            f.begin(1);
            f.write(records(1, 100, 1, 16));
            f.force();
            f.clearHead();
            f.begin(2);
            f.write(records(500, 539, 2, 16)); // same record size: the old ones continue on a record boundary
            f.force();
        }
        assertThat(indexes(path)).hasSize(40).startsWith(500L).endsWith(539L);
        assertThat(TailFile.read(path, null).generation()).isEqualTo(2);
    }

    @Test
    void aClearedFileHoldsNothingAndZerosAreNotRecords() {
        Path path = dir.resolve("t.wal");
        try (TailFile f = TailFile.open(path)) {
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
}
