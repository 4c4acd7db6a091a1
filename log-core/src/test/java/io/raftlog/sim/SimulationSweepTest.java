package io.raftlog.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The CI sweep: hundreds of seeds of 3 and 5 nodes under loss, duplication, reordering, delay (some messages
 * held past whole election timeouts), symmetric and one-way partitions, crashes that lose all or part of the
 * unflushed writes, and snapshots after compaction, every invariant checked after every step.
 * Each size always runs {@value #MIN_SEEDS} seeds, then keeps going (up to {@value #MAX_SEEDS}) while its
 * time budget lasts: a fast machine digs deeper, a slow one still covers the minimum.
 */
class SimulationSweepTest {

    private static final int MIN_SEEDS = 500;
    private static final int MAX_SEEDS = 2_000;
    private static final long EXTRA_BUDGET_SECONDS = 5;

    private static void sweep(int nodes, long firstSeed) {
        SimOptions options = SimOptions.of(nodes, SimOptions.DEFAULT_STEPS);
        long start = System.nanoTime();
        Sweep.Summary s = Sweep.run(firstSeed, MIN_SEEDS, options);
        Sweep.Summary extra = Sweep.run(firstSeed + MIN_SEEDS, MAX_SEEDS - MIN_SEEDS, options,
            start + TimeUnit.SECONDS.toNanos(EXTRA_BUDGET_SECONDS));
        System.out.println(nodes + " nodes: " + s.line() + "; then " + extra.line() + " ("
            + (System.nanoTime() - start) / 1_000_000 + " ms)");
        for (Sweep.Summary part : new Sweep.Summary[] {s, extra}) {
            assertThat(part.violations()).as(() -> part.violations().get(0).report()).isEmpty();
        }
        assertThat(s.seeds()).isEqualTo(MIN_SEEDS);
        assertThat(s.commits()).as("the cluster made progress").isGreaterThan(MIN_SEEDS * 50L);
        FaultCounts f = s.faults();
        assertThat(f.total()).as("faults were injected").isGreaterThan(MIN_SEEDS * 50L);
        // Every kind of fault fired, not just the drops that make up most of the total.
        assertThat(new long[] {f.crashes(), f.partialCrashes(), f.partitions(), f.drops(), f.duplicates(), f.stragglers(),
            f.snapshots()}).as(f.toString()).doesNotContain(0L);
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
