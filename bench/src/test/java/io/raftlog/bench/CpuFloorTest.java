package io.raftlog.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class CpuFloorTest {

    @Test
    void gapsLongerThanTheLoopAreTheTimeTheThreadDidNotRun() {
        CpuFloor.Spinner spinner = new CpuFloor.Spinner();
        long t = 1_000_000;
        for (int i = 0; i < 1_000; i++) { // 1 ms of readings 1 µs apart
            spinner.observe(t += 1_000);
        }
        spinner.observe(t += 3_000_000); // descheduled for 3 ms
        for (int i = 0; i < 1_000; i++) {
            spinner.observe(t += 1_000);
        }

        assertThat(spinner.gaps().getTotalCount()).isEqualTo(1);
        assertThat(spinner.wallNanos()).isEqualTo(999_000 + 3_000_000 + 1_000_000);
        assertThat(spinner.share()).isCloseTo(1 - 3.0 / 4.999, within(1e-9));
    }

    @Test
    void aShortRunAccountsForEveryThreadAndPrintsOneResultLine() throws InterruptedException {
        CpuFloor.Result r = new CpuFloor(2, Duration.ofMillis(100)).run();

        assertThat(r.shares()).hasSize(2);
        assertThat(java.util.Arrays.stream(r.shares())).allSatisfy(s -> assertThat(s).isBetween(0.0, 1.0));
        assertThat(r.coresGiven()).isBetween(0.0, 2.0);
        assertThat(r.seconds()).isGreaterThanOrEqualTo(0.1);
        assertThat(r.summary()).startsWith("cpu floor: 2 spinning threads");
        assertThat(r.resultLine()).startsWith("RESULT {\"system\":\"cpu-floor\",\"threads\":2,").contains("\"cores_given\":");
    }

    @Test
    void nonsenseSettingsAreRefusedByName() {
        assertThatThrownBy(() -> new CpuFloor(0, Duration.ofSeconds(1))).hasMessageContaining("threads must be 1 to 256, got 0");
        assertThatThrownBy(() -> new CpuFloor(1, Duration.ZERO)).hasMessageContaining("duration must be positive");
    }
}
