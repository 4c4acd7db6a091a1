package io.raftlog.net.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondNodeInTheSameJvmIsRefusedAndTheFirstKeepsItsLockAgainstOtherProcesses() throws Exception {
        try (DataDirLock held = DataDirLock.acquire(dir)) {
            assertThatThrownBy(() -> DataDirLock.acquire(dir)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("is in use by another raftlog node");
            // Had the refused attempt opened and closed the lock file, Linux would have dropped this process's
            // lock on it, and another process could take it (and open the same journal).
            assertThat(probeFromAnotherProcess(dir.resolve(DataDirLock.LOCK_FILE))).as("another process's probe")
                .isEqualTo(LockProbe.HELD);
        }
        // The same probe takes the lock once it is released: it tells the two apart.
        assertThat(probeFromAnotherProcess(dir.resolve(DataDirLock.LOCK_FILE))).isEqualTo(LockProbe.FREE);
        try (DataDirLock again = DataDirLock.acquire(dir)) {
            assertThat(again).isNotNull(); // released on close, in this JVM's books too
        }
    }

    /** The probe's exit status: {@link LockProbe#FREE} or {@link LockProbe#HELD}, anything else a failed probe. */
    private static int probeFromAnotherProcess(Path lockFile) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LockProbe.class.getName(),
            lockFile.toString()).inheritIO().start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the probe process ends").isTrue();
            return p.exitValue();
        } finally {
            p.destroyForcibly();
        }
    }
}
