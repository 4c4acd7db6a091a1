package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

import io.raftlog.pipeline.Await;
import io.raftlog.raft.EntryType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the checkpoint cannot force the cycle files, the tail file it retires is the only durable copy of what it
 * holds: it must stay, the checkpoint must not try again (a second fsync may succeed without the pages the
 * kernel failed to write), and the flusher's next force must fail so that the node halts.
 */
class TailWalCheckpointFailureTest {

    @TempDir
    Path dir;

    @Test
    void aFailedCheckpointKeepsTheRetiredFileAndFailsTheNextForce() {
        AtomicInteger forcesTried = new AtomicInteger();
        Runnable failingForce = () -> {
            forcesTried.incrementAndGet();
            throw new UncheckedIOException(new IOException("injected fsync failure (EIO)"));
        };
        TailWal wal = new TailWal(dir, 16 * 1024, true, failingForce, "test-checkpoint");
        UnsafeBuffer payload = new UnsafeBuffer(new byte[100]);
        UnsafeBuffer record = new UnsafeBuffer(new byte[RecordFormat.HEADER_LENGTH + payload.capacity()]);
        CRC32C crc = new CRC32C();
        long index = 0;
        try {
            // Until the active file has switched and its retirement was tried: 3/4 of 16 KiB is ~100 records.
            while (forcesTried.get() == 0 && index < 10_000) {
                index++;
                int length = RecordFormat.encode(crc, record, 0, EntryType.DATA, index, 1, payload, 0, payload.capacity());
                wal.appendRecord(record, 0, length);
                wal.force();
            }
            assertThat(forcesTried.get()).as("a checkpoint ran").isEqualTo(1);
            long written = index;
            Await.until("the flusher's force reports the failed checkpoint", Duration.ofSeconds(10), () -> {
                try {
                    wal.force();
                    return false;
                } catch (IllegalStateException e) {
                    return true;
                }
            });
            assertThatThrownBy(wal::force).hasMessageContaining("the checkpoint could not force the journal's cycle files")
                .hasMessageContaining("injected fsync failure (EIO)");
            assertThat(forcesTried.get()).as("never retried").isEqualTo(1);

            List<Long> replayed = new ArrayList<>();
            TailWal.replay(dir, (kind, i, term, buffer, offset, length) -> replayed.add(i));
            assertThat(replayed).as("both files still hold every record").hasSize((int) written);
            assertThat(replayed.get(0)).isEqualTo(1L);
            assertThat(replayed.get(replayed.size() - 1)).isEqualTo(written);
        } finally {
            assertThat(wal.close(true)).as("not a clean close").isFalse();
        }
        List<Long> afterClose = new ArrayList<>();
        TailWal.replay(dir, (kind, i, term, buffer, offset, length) -> afterClose.add(i));
        assertThat(afterClose).as("kept for the next start").hasSize((int) index);
    }
}
