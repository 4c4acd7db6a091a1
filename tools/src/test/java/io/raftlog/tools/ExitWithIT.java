package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import io.raftlog.pipeline.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node started by a local cluster stops when the process that started it ends, even by SIGKILL. */
class ExitWithIT {
    @TempDir
    Path dir;

    @Test
    void aServerStopsCleanlyWhenTheProcessNamedByExitWithEnds() throws Exception {
        Process parent = new ProcessBuilder("sleep", "120").start(); // stands in for a demo's JVM
        try (RaftlogProcess server = RaftlogProcess.start("server", "--id", "1", "--cluster", "1=127.0.0.1:0",
                 "--data", dir.resolve("node1").toString(), "--exit-with", Long.toString(parent.pid()))) {
            Await.until("the node serves", Duration.ofSeconds(60),
                () -> server.out().stream().anyMatch(l -> l.contains("serving on")));
            parent.destroyForcibly(); // SIGKILL: no hook of the parent's runs
            assertThat(server.await(60)).as("exit status; stderr %s", server.err()).isEqualTo(Cli.OK);
            assertThat(server.err()).anyMatch(l -> l.contains("(--exit-with) ended; stopping"));
        } finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void anExitWithProcessThatIsNotRunningIsAUsageError() throws Exception {
        Process gone = new ProcessBuilder(LocalCluster.javaExecutable(), "-version").start();
        gone.waitFor();
        RaftlogProcess p = RaftlogProcess.run(60, "server", "--id", "1", "--cluster", "1=127.0.0.1:0",
            "--data", dir.resolve("node1").toString(), "--exit-with", Long.toString(gone.pid()));
        assertThat(p.err()).anyMatch(l -> l.contains("--exit-with: no running process " + gone.pid()));
        assertThat(p.await(10)).as("exit status (the process has ended)").isEqualTo(Cli.USAGE);
    }
}
