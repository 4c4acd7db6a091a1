package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code raftlog bench} refuses bad node settings with one line, before it starts any node. */
class BenchCommandTest {

    @Test
    void aBadThreadingOrAWaitStrategyThatSharedThreadingIgnoresIsAUsageError() {
        CliRun threading = CliRun.of("bench", "--workload", "W2", "--threading", "pooled");
        threading.assertOneLineError(Cli.USAGE, "unknown threading 'pooled': expected dedicated or shared");
        assertThat(threading.err()).startsWith("raftlog bench");
        CliRun wait = CliRun.of("bench", "--workload", "W2", "--wait-strategy", "phased");
        wait.assertOneLineError(Cli.USAGE, "wait strategy 'phased' applies only to dedicated threading");
        assertThat(wait.err()).startsWith("raftlog bench");
    }

    @Test
    void benchDiskMeasuresTheDisksFloorAndRefusesAMissingDirectory(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        CliRun ok = CliRun.of("bench", "disk", "--dir", dir.toString(), "--rounds", "20", "--json");
        assertThat(ok.status()).as(ok.err()).isEqualTo(Cli.OK);
        assertThat(ok.out()).contains("disk floor of W2 with fsync").contains("p99").contains("RESULT {\"system\":\"disk-floor\"");

        CliRun missing = CliRun.of("bench", "disk", "--dir", dir.resolve("nowhere").toString());
        missing.assertOneLineError(Cli.USAGE, "nowhere", "does not exist");
    }
}
