package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the next demo removes of the directories earlier demos left in the temp directory. */
class DemoDirsTest {

    @TempDir
    Path tmp;

    private Path demoDir(String name, String owner) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(DemoDirs.PREFIX + name));
        Files.writeString(dir.resolve("node-1.log"), "a log line\n");
        Files.createDirectories(dir.resolve("node-1"));
        if (owner != null) {
            Files.writeString(dir.resolve(DemoDirs.OWNER_FILE), owner, StandardCharsets.US_ASCII);
        }
        return dir;
    }

    /** The id of a process that has ended (ids may be reused, but not within this test's milliseconds). */
    private static long endedProcess() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.pid();
    }

    @Test
    void onlyTheDirectoriesOfDemosThatAreNoLongerRunningAreRemoved() throws Exception {
        Path killed = demoDir("killed", Long.toString(endedProcess()));
        Path running = demoDir("running", Long.toString(ProcessHandle.current().pid()));
        Path kept = demoDir("kept", null);
        Path garbled = demoDir("garbled", "not a pid");
        Path other = Files.createDirectories(tmp.resolve("someone-else"));
        Files.writeString(other.resolve(DemoDirs.OWNER_FILE), Long.toString(endedProcess()));

        assertThat(DemoDirs.removeAbandoned(tmp)).containsExactly(killed);
        assertThat(killed).doesNotExist();
        assertThat(running).isDirectory();
        assertThat(kept).isDirectory();
        assertThat(garbled).isDirectory();
        assertThat(other).isDirectory();
    }

    @Test
    void aDirectoryKeptOnPurposeSurvivesItsDemo() throws Exception {
        Path dir = DemoDirs.create();
        try {
            assertThat(Files.readString(dir.resolve(DemoDirs.OWNER_FILE)).trim())
                .isEqualTo(Long.toString(ProcessHandle.current().pid()));
            DemoDirs.disown(dir);
            assertThat(dir.resolve(DemoDirs.OWNER_FILE)).as("without it, no later demo removes the directory (above)")
                .doesNotExist();
        } finally {
            io.raftlog.bench.FileTrees.delete(dir);
        }
    }
}
