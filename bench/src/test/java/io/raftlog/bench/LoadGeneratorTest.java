package io.raftlog.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class LoadGeneratorTest {

    private static LoadSpec counted(int window, long warmup, long measured) {
        return LoadSpec.of(Workload.W1, false).withWindow(window)
            .withWarmup(RunLength.ofOps(warmup)).withMeasured(RunLength.ofOps(measured));
    }

    @Test
    void closedLoopMeasuresExactlyTheMeasuredAppendsAndNeverExceedsTheWindow() {
        try (FakeTarget target = new FakeTarget()) {
            LoadResult r = new LoadGenerator(counted(8, 300, 2_000), target, null).run();

            assertThat(r.ops()).isEqualTo(2_000);
            assertThat(r.latencyNanos().getTotalCount()).isEqualTo(2_000);
            assertThat(r.errors()).isZero();
            assertThat(r.seconds()).isPositive();
            assertThat(target.maxOutstanding()).isBetween(1, 8);
        }
    }

    @Test
    void failedAppendsAreCountedAsErrorsNotAsCommitted() {
        try (FakeTarget target = new FakeTarget(index -> index % 10 == 0, 0)) {
            LoadResult r = new LoadGenerator(counted(1, 10, 100), target, null).run();

            // window 1 keeps the order: warm-up is indexes 1-10, measured 11-110, of which 20,30,...,110 fail
            assertThat(r.errors()).isEqualTo(10);
            assertThat(r.ops()).isEqualTo(90);
        }
    }

    @Test
    void openLoopChargesAStallToEveryAppendThatWasDueDuringIt() {
        long stallMillis = 30;
        // 2,000 appends/s: during a 30 ms stall about 60 appends fall due. With one append outstanding the
        // generator cannot send them on time; measured from their due time they all show the stall.
        LoadSpec open = counted(1, 0, 200).withRate(2_000);
        LoadSpec closed = counted(1, 0, 200);
        long slowOpen;
        long slowClosed;
        try (FakeTarget target = new FakeTarget(i -> false, stallMillis)) {
            slowOpen = slowerThan(new LoadGenerator(open, target, null).run(), stallMillis / 3);
        }
        try (FakeTarget target = new FakeTarget(i -> false, stallMillis)) {
            slowClosed = slowerThan(new LoadGenerator(closed, target, null).run(), stallMillis / 3);
        }
        assertThat(slowClosed).isEqualTo(1); // coordinated omission: only the stalled append itself
        assertThat(slowOpen).isGreaterThan(10);
    }

    @Test
    void aTargetThatRejectsEverythingStopsTheRunWithTheFirstError() {
        try (FakeTarget target = new FakeTarget(index -> true, 0)) {
            LoadSpec spec = counted(16, 0, 1_000_000);
            assertThatThrownBy(() -> new LoadGenerator(spec, target, null).run())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("appends failed")
                .hasMessageContaining("rejected");
        }
    }

    private static long slowerThan(LoadResult r, long millis) {
        long limit = TimeUnit.MILLISECONDS.toNanos(millis);
        return r.latencyNanos().getCountBetweenValues(limit, r.latencyNanos().getMaxValue());
    }
}
