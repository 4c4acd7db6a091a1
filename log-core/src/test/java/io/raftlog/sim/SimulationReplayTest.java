package io.raftlog.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A seed is the whole run: the same seed replays exactly, another seed does something else. */
class SimulationReplayTest {

    @Test
    void sameSeedReplaysTheIdenticalHistory() {
        SimOptions options = SimOptions.of(5, 800);
        for (long seed : new long[] {3, 42, 77}) {
            SimResult first = Simulation.run(seed, options);
            SimResult second = Simulation.run(seed, options);
            assertThat(second.traceHash()).isEqualTo(first.traceHash());
            assertThat(second).usingRecursiveComparison().isEqualTo(first);
        }
    }

    @Test
    void tracingDoesNotChangeTheRun() {
        SimResult plain = Simulation.run(9, SimOptions.of(3, 500));
        SimResult traced = Simulation.run(9, SimOptions.of(3, 500).withTrace(40));
        assertThat(traced.traceHash()).isEqualTo(plain.traceHash());
        assertThat(traced.commits()).isEqualTo(plain.commits());
        assertThat(traced.trace()).hasSize(40);
        assertThat(plain.trace()).isEmpty();
    }

    @Test
    void differentSeedsTakeDifferentPaths() {
        SimOptions options = SimOptions.of(3, 300);
        assertThat(Simulation.run(1, options).traceHash()).isNotEqualTo(Simulation.run(2, options).traceHash());
    }
}
