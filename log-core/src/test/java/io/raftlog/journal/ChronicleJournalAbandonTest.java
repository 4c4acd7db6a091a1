package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal its owner abandoned (a halted node) writes nothing more, not even what was staged, and its close is
 * not a clean one (no seal); the next open recovers what was on file.
 */
class ChronicleJournalAbandonTest {

    @TempDir
    Path dir;

    @Test
    void anAbandonedJournalWritesNothingMoreAndClosesAsIfItHadCrashed() {
        try (ChronicleJournal j = ChronicleJournal.open(dir, FsyncPolicy.BATCH)) {
            for (long i = 1; i <= 50; i++) {
                Entries.append(j, i, 1, 0);
            }
            j.writePending();
            assertThat(j.flush()).isEqualTo(50);
            for (long i = 51; i <= 60; i++) {
                Entries.append(j, i, 1, 0); // staged, never written
            }
            j.abandon();
            assertThatThrownBy(j::writePending).hasMessageContaining("nothing more is written");
        }
        assertThat(dir.resolve(CleanCloseSeal.FILE_NAME)).doesNotExist();
        try (ChronicleJournal reopened = ChronicleJournal.open(dir, FsyncPolicy.BATCH)) {
            assertThat(reopened.lastIndex()).isEqualTo(50);
            for (Entries.Read r : Entries.readAll(reopened)) {
                assertThat(r.payload()).isEqualTo(Entries.payload(r.index(), 0));
            }
        }
    }
}
