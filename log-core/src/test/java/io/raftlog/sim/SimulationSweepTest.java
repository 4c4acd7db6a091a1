package io.raftlog.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The CI sweep: hundreds of seeds of 3 and 5 nodes under loss, duplication, reordering, delay, symmetric
 * and one-way partitions and crashes that lose unflushed writes, every invariant checked after every step.
 * Each size stops at its seed count or its time budget, whichever comes first, and must reach 500 seeds.
 */
class SimulationSweepTest {

    private static final int SEEDS = 500;
    private static final long BUDGET_SECONDS = 30;

    private static void sweep(int nodes, long firstSeed) {
        long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(BUDGET_SECONDS);
        Sweep.Summary s = Sweep.run(firstSeed, SEEDS, SimOptions.of(nodes, SimOptions.DEFAULT_STEPS), stopAt);
        System.out.println(nodes + " nodes: " + s.line());
        s.violations().forEach(v -> System.out.println(v.report()));
        assertThat(s.violations()).as(() -> s.violations().get(0).report()).isEmpty();
        assertThat(s.seeds()).as("seeds run within " + BUDGET_SECONDS + " s").isEqualTo(SEEDS);
        assertThat(s.commits()).as("the cluster made progress").isGreaterThan(SEEDS * 50L);
        assertThat(s.faults()).as("faults were injected").isGreaterThan(SEEDS * 50L);
    }

    @Test
    void threeNodeClustersKeepEveryInvariant() {
        sweep(3, 0);
    }

    @Test
    void fiveNodeClustersKeepEveryInvariant() {
        sweep(5, 1_000_000);
    }

    @Test
    void singleNodeClustersKeepEveryInvariant() {
        Sweep.Summary s = Sweep.run(0, 50, SimOptions.of(1, SimOptions.DEFAULT_STEPS));
        assertThat(s.violations()).as(() -> s.violations().get(0).report()).isEmpty();
        assertThat(s.commits()).isGreaterThan(50L * 100);
    }
}
