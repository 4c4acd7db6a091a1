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

        CliRun atRate = CliRun.of("bench", "disk", "--dir", dir.toString(), "--rate", "5000", "--rounds", "50", "--json");
        assertThat(atRate.status()).as(atRate.err()).isEqualTo(Cli.OK);
        assertThat(atRate.out()).contains("disk floor of an open loop at 5,000 rounds/s with fsync")
            .contains("\"workload\":\"open-loop\"").contains("\"rate\":5000");

        CliRun negative = CliRun.of("bench", "disk", "--dir", dir.toString(), "--rate", "-5");
        negative.assertOneLineError(Cli.USAGE, "rate must be in 0..", "got -5");
    }

    /** The reason was missing: "measuring the disk in /proc failed: /proc/raftlog-disk-floor-....dat", the path alone. */
    @Test
    void aDiskThatRefusesTheFileSaysWhy() {
        CliRun run = CliRun.of("bench", "disk", "--dir", "/proc", "--rounds", "1");
        run.assertOneLineError(Cli.FAILURE, "measuring the disk in /proc failed: /proc/", ": no such file or directory");
    }

    /** --hgrm in a directory that takes no new file failed after the whole run; now before it starts. */
    @Test
    void anHgrmFileThatCannotBeWrittenIsAUsageErrorBeforeTheRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
        throws Exception {
        CliRun run = CliRun.of("bench", "--peer", "instant", "--workload", "W2", "--warmup", "0s", "--duration", "1s",
            "--hgrm", "/proc/raftlog.hgrm");
        run.assertOneLineError(Cli.USAGE, "cannot write --hgrm /proc/raftlog.hgrm: no such file or directory");
        assertThat(run.out()).doesNotContain("instant bench");
        java.nio.file.Path plain = java.nio.file.Files.writeString(dir.resolve("plain"), "x");
        CliRun underAFile = CliRun.of("bench", "--peer", "instant", "--workload", "W2", "--hgrm",
            plain.resolve("y.hgrm").toString());
        underAFile.assertOneLineError(Cli.USAGE, "cannot write --hgrm", plain + " is not a directory");
        java.nio.file.Path ok = dir.resolve("ok.hgrm");
        CliRun written = CliRun.of("bench", "--peer", "instant", "--workload", "W2", "--warmup", "0s", "--duration", "1s",
            "--hgrm", ok.toString());
        assertThat(written.status()).as(written.err()).isEqualTo(Cli.OK);
        assertThat(ok).isNotEmptyFile();
    }

    /** "bad duration '10'" and "a run length is either ... got ops=0 nanos=-1000000000" named no flag. */
    @Test
    void aBadPhaseLengthIsAUsageErrorNamingTheFlag() {
        CliRun.of("bench", "--warmup", "-1s").assertOneLineError(Cli.USAGE, "--warmup must not be negative, was '-1s'");
        CliRun.of("bench", "--duration", "10").assertOneLineError(Cli.USAGE, "--duration: bad duration '10'");
    }

    @Test
    void benchCpuMeasuresWhatTheMachineGivesAndRefusesNonsense() {
        CliRun ok = CliRun.of("bench", "cpu", "--threads", "1", "--duration", "200ms", "--json");
        assertThat(ok.status()).as(ok.err()).isEqualTo(Cli.OK);
        assertThat(ok.out()).contains("cpu floor: 1 spinning threads").contains("RESULT {\"system\":\"cpu-floor\"");

        CliRun none = CliRun.of("bench", "cpu", "--threads", "0");
        none.assertOneLineError(Cli.USAGE, "threads must be 1 to 256, got 0");
    }

    @Test
    void aPeerOnTheClassPathRunsTheWorkloadAndNamesItselfInTheResult() {
        CliRun run = CliRun.of("bench", "--peer", "instant", "--workload", "W2", "--warmup", "0s", "--duration", "1s", "--json",
            "--hiccups", "true");
        assertThat(run.status()).as(run.err()).isEqualTo(Cli.OK);
        assertThat(run.out()).contains("instant bench W2").contains("RESULT {\"system\":\"instant\",\"workload\":\"W2\"")
            .contains("hiccups us").contains("\"hiccup_p999_us\":");
        CliRun without = CliRun.of("bench", "--peer", "instant", "--workload", "W2", "--warmup", "0s", "--duration", "1s", "--json");
        assertThat(without.status()).as(without.err()).isEqualTo(Cli.OK);
        assertThat(without.out()).contains("RESULT {").doesNotContain("hiccup");
    }

    @Test
    void anUnknownPeerOrAPeerWithClusterIsAUsageErrorNamingWhatThereIs() {
        CliRun unknown = CliRun.of("bench", "--peer", "etcd", "--workload", "W2");
        unknown.assertOneLineError(Cli.USAGE, "no peer system named 'etcd' on the class path (there are: instant)");
        CliRun both = CliRun.of("bench", "--peer", "instant", "--cluster", "127.0.0.1:7001", "--workload", "W2");
        both.assertOneLineError(Cli.USAGE, "--peer and --cluster exclude each other");
    }
}
