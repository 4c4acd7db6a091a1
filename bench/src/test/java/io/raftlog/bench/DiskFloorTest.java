package io.raftlog.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskFloorTest {
    @TempDir
    Path dir;

    @Test
    void recordsOneLatencyPerRoundAndLeavesNoFileBehind() throws Exception {
        Histogram h = new DiskFloor(dir, 3, 2, 200, 40).run();

        assertThat(h.getTotalCount()).isEqualTo(40);
        assertThat(h.getMinValue()).as("microseconds, never zero").isPositive();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aQuorumOfAllWaitsForEveryForcer() throws Exception {
        DiskFloor floor = new DiskFloor(dir, 2, 2, 64, 10);
        Histogram h = floor.run();
        assertThat(h.getTotalCount()).isEqualTo(10);
        assertThat(floor.resultLine(h)).startsWith("RESULT {\"system\":\"disk-floor\",\"workload\":\"W2\",\"durable\":true,")
            .contains("\"forcers\":2,\"quorum\":2,\"bytes\":64,\"rounds\":10,\"rate\":0,\"p50_us\":" + h.getValueAtPercentile(50) + ",")
            .contains(",\"max_us\":" + h.getMaxValue() + ",\"forces\":20,")
            .endsWith(",\"forces_per_s\":" + Math.round(floor.forcesPerSecond()) + "}");
        assertThat(floor.forces()).as("a quorum of all: both forcers force every round, once").isEqualTo(20);
        assertThat(floor.forcesPerSecond()).isPositive();
    }

    @Test
    void everyRoundTakesAtLeastAQuorumOfForcesAndAtMostOneFromEachForcer() throws Exception {
        DiskFloor floor = new DiskFloor(dir, 3, 2, 65_536, 30);
        floor.run();
        // A forcer that falls behind covers the rounds it missed with one force (group commit), so it may skip
        // rounds; each round still completed on two forces made after it started.
        assertThat(floor.forces()).isBetween(2L * 30, 3L * 30);
    }

    @Test
    void atARateEveryRoundIsMeasuredFromItsDueTimeAndNoFileIsLeft() throws Exception {
        // 300 rounds due 20,000 a second, 15 ms of rounds: far faster than three forcers can force one by one, so
        // each force covers many rounds, and every round still gets one latency, counted from when it fell due.
        DiskFloor floor = new DiskFloor(dir, 3, 2, 200, 300, 20_000);
        Histogram h = floor.run();

        assertThat(h.getTotalCount()).isEqualTo(300);
        assertThat(h.getMinValue()).as("microseconds, never zero").isPositive();
        assertThat(floor.resultLine(h)).contains("\"workload\":\"open-loop\"", "\"rounds\":300,\"rate\":20000,");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void badSettingsAreRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> new DiskFloor(dir, 3, 2, 200, 10, -1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate must be in 0..");
        assertThatThrownBy(() -> new DiskFloor(dir, 3, 2, 200, 20_000_000, 1_000))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rounds x forcers");
        assertThatThrownBy(() -> new DiskFloor(dir.resolve("missing"), 3, 2, 200, 10))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> new DiskFloor(dir, 3, 4, 200, 10))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quorum must be in 1..3");
        assertThatThrownBy(() -> new DiskFloor(dir, 0, 1, 200, 10))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("forcers");
        assertThatThrownBy(() -> new DiskFloor(dir, 3, 2, 0, 10))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("record size");
        assertThatThrownBy(() -> new DiskFloor(dir, 3, 2, 200, 0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rounds");
    }

    @Test
    void aDirectoryThatCannotTakeTheFilesFailsNamingIt() throws IOException {
        Path file = Files.createFile(dir.resolve("not-a-directory"));
        assertThatThrownBy(() -> new DiskFloor(file, 3, 2, 200, 10))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not-a-directory");
    }
}
