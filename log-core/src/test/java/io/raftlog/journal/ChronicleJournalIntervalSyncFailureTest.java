package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;

import io.raftlog.pipeline.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under {@code fsync interval:MS} a background thread forces the journal; when a force fails it must not try
 * again (after a failed fsync the kernel may have dropped the pages it could not write, and a second fsync
 * can succeed without them), and every later {@link ChronicleJournal#flush()} must throw the failure, which
 * halts the node (RaftDriver). The failure is a real one from {@code FileChannel.force}: interrupting the
 * syncing thread makes its next force throw {@code ClosedByInterruptException}, an IOException, as a
 * failing disk would.
 */
class ChronicleJournalIntervalSyncFailureTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void aFailedPeriodicFsyncIsNotRetriedAndEveryLaterFlushThrowsIt() throws Exception {
        Path journalDir = dir.resolve("interval-journal");
        try (ChronicleJournal j = ChronicleJournal.open(journalDir, FsyncPolicy.parse("interval:20"))) {
            Entries.append(j, 1, 1, 0);
            j.writePending();
            Await.until("a periodic fsync", WAIT, () -> j.forceCount() > 0);
            Thread syncer = thread("raftlog-journal-fsync-" + journalDir.getFileName());

            syncer.interrupt();
            syncer.join(WAIT.toMillis());
            assertThat(syncer.isAlive()).as("the syncing thread gave up after the failed force").isFalse();
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(j::flush).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the periodic fsync failed")
                    .hasMessageContaining(journalDir.toString());
            }
        }
    }

    private static Thread thread(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive())
            .findFirst().orElseThrow(() -> new AssertionError("no thread named " + name));
    }
}
