package io.raftlog.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process controls on a stand-in process (a shell that prints a ready line and sleeps). */
class NodeProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** The state letter of /proc/PID/stat: 'T' when stopped by a signal. */
    private static char state(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    @Test
    void startsFreezesThawsKillsAndRestarts(@TempDir Path dir) throws IOException {
        NodeProcess p = new NodeProcess(1, List.of("/bin/sh", "-c", "echo node is ready; exec sleep 600"), dir.resolve("n1.log"));
        try {
            p.start();
            Await.until("ready line", WAIT, () -> p.printed(l -> l.contains("ready")));
            long pid = p.pid();

            p.freeze();
            Await.until("process stopped", WAIT, () -> stateOrZero(pid) == 'T');
            assertThat(p.frozen()).isTrue();
            p.thaw();
            Await.until("process running again", WAIT, () -> stateOrZero(pid) != 'T');

            p.kill();
            assertThat(p.alive()).isFalse();

            p.start();
            assertThat(p.pid()).isNotEqualTo(pid);
            assertThat(p.starts()).isEqualTo(2);
            Await.until("ready line of the second start", WAIT, () -> p.printed(l -> l.contains("ready")));
            assertThat(Files.readString(dir.resolve("n1.log"))).contains("start #1", "start #2");
        } finally {
            p.kill();
        }
    }

    @Test
    void readyLineOfAnEarlierStartDoesNotCount(@TempDir Path dir) {
        NodeProcess p = new NodeProcess(1, List.of("/bin/sh", "-c", "exec sleep 600"), dir.resolve("n1.log"));
        NodeProcess q = new NodeProcess(1, List.of("/bin/sh", "-c", "echo ready; exec sleep 600"), dir.resolve("n1.log"));
        try {
            p.start();
            p.kill();
            q.start();
            Await.until("ready", WAIT, () -> q.printed(l -> l.contains("ready")));
            q.kill();
            p.start();
            assertThat(p.printed(l -> l.contains("ready"))).isFalse();
        } finally {
            q.kill(); // a failed assertion must not leave a sleeping process behind
            p.kill();
        }
    }

    @Test
    void killingAFrozenProcessWorks(@TempDir Path dir) {
        NodeProcess p = new NodeProcess(1, List.of("/bin/sh", "-c", "exec sleep 600"), dir.resolve("n1.log"));
        try {
            p.start();
            p.freeze();
            p.kill();
            assertThat(p.alive()).isFalse();
            assertThat(p.frozen()).isFalse();
        } finally {
            p.kill();
        }
    }

    private static char stateOrZero(long pid) {
        try {
            return state(pid);
        } catch (IOException e) {
            return 0;
        }
    }
}
