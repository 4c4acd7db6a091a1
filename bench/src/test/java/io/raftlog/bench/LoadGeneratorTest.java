package io.raftlog.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import io.raftlog.net.client.AppendCallback;
import org.agrona.DirectBuffer;
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
        try (FakeTarget target = new FakeTarget(index -> index % 10 == 0)) {
            LoadResult r = new LoadGenerator(counted(1, 10, 100), target, null).run();

            // window 1 keeps the order: warm-up is indexes 1-10, measured 11-110, of which 20,30,...,110 fail
            assertThat(r.errors()).isEqualTo(10);
            assertThat(r.ops()).isEqualTo(90);
        }
    }

    @Test
    void openLoopChargesAStallToEveryAppendThatWasDueDuringIt() {
        // 2,000 appends/s, so one falls due every 0.5 ms, and the first takes 30 ms to commit. Open loop: the 60
        // appends due during the stall are sent late and measured from their due time, 29.5, 29, ... 0.5 ms; the
        // stalled one and the 39 due in the first 19.5 ms of the stall are slower than 10.2 ms. Closed loop:
        // coordinated omission hides the stall in every append but the stalled one.
        long stall = TimeUnit.MILLISECONDS.toNanos(30);
        long limit = TimeUnit.MICROSECONDS.toNanos(10_200);
        LoadResult open = runStalled(counted(1, 0, 200).withRate(2_000), stall);
        LoadResult closed = runStalled(counted(1, 0, 200), stall);

        assertThat(slowerThan(open, limit)).isEqualTo(40);
        assertThat(slowerThan(closed, limit)).isEqualTo(1);
        assertThat(open.latencyNanos().getMaxValue()).isEqualTo(open.latencyNanos().highestEquivalentValue(stall));
        assertThat(open.ops()).isEqualTo(200);
        assertThat(closed.ops()).isEqualTo(200);
    }

    @Test
    void openLoopPhasesArePartsOfTheScheduleHoweverLateTheGeneratorSends() {
        // 2,000 appends/s for 10 ms of warm-up and 50 ms measured: appends 21..120 are due in the measured phase.
        // A 30 ms stall at the last warm-up append must not move the phase (it made the measured phase begin
        // late and take in 60 more appends than were due in it), and one near the end must not leave out the
        // appends due before the end but sent after it (it dropped them: the slowest of the run).
        LoadSpec spec = LoadSpec.of(Workload.W1, false).withWindow(1).withRate(2_000)
            .withWarmup(RunLength.ofTime(Duration.ofMillis(10))).withMeasured(RunLength.ofTime(Duration.ofMillis(50)));
        long stall = TimeUnit.MILLISECONDS.toNanos(30);
        for (long stalled : new long[] {20, 115}) {
            LoadResult r = runStalled(spec, stall, stalled);
            assertThat(r.ops()).as("stalled at append %d", stalled).isEqualTo(100);
            assertThat(r.errors()).isZero();
        }
    }

    @Test
    void latenciesBeyondTheHistogramsLimitAreCountedAndReported() {
        VirtualClock clock = new VirtualClock();
        long stall = LoadGenerator.HIGHEST_TRACKABLE_NANOS + TimeUnit.SECONDS.toNanos(5);
        AppendTarget stalls = committingAtOnce("stalls append 3", index -> {
            if (index == 3) {
                clock.advance(stall);
            }
        });
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        LoadGenerator generator = new LoadGenerator(counted(1, 0, 10).withRate(1_000), stalls,
            new java.io.PrintStream(printed, true), clock);
        LoadResult r = generator.run();

        // Appends fall due 1 ms apart; append 3 takes 65 s, and 4..10, all due within 10 ms of the start, are sent
        // after it: each of the eight waited longer than the 60 s the histograms hold.
        assertThat(generator.clippedLatencies()).isEqualTo(8);
        assertThat(r.latencyNanos().getMaxValue()).isEqualTo(r.latencyNanos().highestEquivalentValue(LoadGenerator.HIGHEST_TRACKABLE_NANOS));
        assertThat(printed.toString()).contains("warning: 8 measured latencies were longer than 60 s");
    }

    @Test
    void openLoopSecondsRunFromTheFirstMeasuredSendToTheLastMeasuredCommit() {
        // As above. Stalled at the last warm-up append (due at 9.5 ms, done at 39.5 ms), the generator sends the
        // first measured append at 39.5 ms, and the last one (due at 59.5 ms) commits at once: 20 ms measured, not
        // the 49.5 ms from the first measured due time, which would charge the warm-up's stall to the measured
        // appends. Stalled in the measured phase (append 115, due at 57 ms, done at 87 ms), the stall counts: 77 ms.
        LoadSpec spec = LoadSpec.of(Workload.W1, false).withWindow(1).withRate(2_000)
            .withWarmup(RunLength.ofTime(Duration.ofMillis(10))).withMeasured(RunLength.ofTime(Duration.ofMillis(50)));
        long stall = TimeUnit.MILLISECONDS.toNanos(30);
        assertThat(runStalled(spec, stall, 20).seconds()).isEqualTo(0.020);
        assertThat(runStalled(spec, stall, 115).seconds()).isEqualTo(0.077);
        assertThat(runStalled(spec, 0, 1).seconds()).as("no stall: the measured 50 ms less the last period").isEqualTo(0.0495);
    }

    @Test
    void openLoopServiceTimeLeavesOutWhatAnAppendWaitedForTheGenerator() {
        // As above: the appends due during the 30 ms stall are sent late but commit at once, so only the stalled
        // one has a long service time, while their latencies (from the due time) carry the wait. A closed loop
        // sends when it can, so it records no separate service time.
        long stall = TimeUnit.MILLISECONDS.toNanos(30);
        LoadResult open = runStalled(counted(1, 0, 200).withRate(2_000), stall);
        LoadResult closed = runStalled(counted(1, 0, 200), stall);

        assertThat(open.serviceNanos().getTotalCount()).isEqualTo(200);
        assertThat(open.serviceNanos().getCountBetweenValues(1, open.serviceNanos().getMaxValue())).isEqualTo(1);
        assertThat(open.serviceNanos().getMaxValue()).isEqualTo(open.serviceNanos().highestEquivalentValue(stall));
        assertThat(open.serviceMicros(99)).isZero();
        assertThat(closed.serviceNanos()).isNull();
    }

    @Test
    void aTargetThatRejectsEverythingStopsTheRunWithTheFirstError() {
        try (FakeTarget target = new FakeTarget(index -> true)) {
            LoadSpec spec = counted(16, 0, 1_000_000);
            assertThatThrownBy(() -> new LoadGenerator(spec, target, null).run())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("appends failed")
                .hasMessageContaining("rejected");
        }
    }

    @Test
    void cpuPerAppendCountsOnlyTheMeasuredPhase() {
        VirtualClock clock = new VirtualClock();
        long warmup = 100;
        // Warm-up appends cost 50 µs of CPU, measured ones 2 µs.
        AppendTarget costly = committingAtOnce("spends CPU per append", index -> clock.spendCpu(index <= warmup ? 50_000 : 2_000));
        LoadResult r = new LoadGenerator(counted(1, warmup, 1_000), costly, null, clock).run();

        assertThat(r.ops()).isEqualTo(1_000);
        assertThat(r.cpuNanos()).isEqualTo(1_000 * 2_000L);
        assertThat(r.cpuMicrosPerOp()).isEqualTo(2.0);
    }

    @Test
    void closedLoopThroughputAndCpuAreThoseOfTheMeasuredWindowNotOfItsDrain() {
        // A log that commits one append a millisecond, in order, spending 10 µs of CPU on each: by Little's law
        // 1,000 appends/s whatever the window, with the window's 100 waiting 100 ms each. The 100 appends in
        // flight at either end of the measured 2 s must not count against it: ending the window at the last
        // acknowledgement read 2,000 appends in 2.1 s (952/s) and 10.5 µs each.
        OneAMillisecondLog log = new OneAMillisecondLog(10_000);
        LoadSpec spec = LoadSpec.of(Workload.W1, false).withWindow(100)
            .withWarmup(RunLength.ofTime(Duration.ofMillis(500))).withMeasured(RunLength.ofTime(Duration.ofSeconds(2)));
        LoadResult r = new LoadGenerator(spec, log, null, log).run();

        assertThat(r.ops()).isEqualTo(2_000);
        assertThat(r.seconds()).isEqualTo(2.0);
        assertThat(r.opsPerSecond()).isEqualTo(1_000.0);
        assertThat(r.cpuMicrosPerOp()).isEqualTo(10.0);
        assertThat(r.percentileMicros(50)).isBetween(99.0 * 1_000, 101.0 * 1_000);
    }

    @Test
    void anAppendNeverAcknowledgedIsAnErrorOfTheRunNotTheEndOfIt() {
        // The lost append keeps its window place for ever; the others go on. After the measured phase the
        // generator waits 30 s for it and then counts it, as the docs say, instead of throwing the run away.
        VirtualClock clock = new VirtualClock();
        AppendTarget losesOne = new AppendTarget() {
            private long next = 1;

            @Override
            public void append(DirectBuffer payload, int offset, int length, AppendCallback callback) {
                long index = next++;
                if (index != 50) {
                    callback.onAppended(index, index);
                }
            }

            @Override
            public String path() {
                return "loses append 50";
            }

            @Override
            public void close() {
            }
        };
        LoadResult r = new LoadGenerator(counted(4, 10, 100), losesOne, null, clock).run();

        assertThat(r.errors()).isEqualTo(1);
        assertThat(r.ops()).isEqualTo(99);
    }

    @Test
    void theSystemClockReadsThisProcessesCpuTime() {
        long before = GeneratorClock.SYSTEM.processCpuNanos();
        // HotSpot on Linux, as in CI, can tell; -1 would only mean "unknown" and leave the figure out.
        assertThat(before).isPositive();
        long spin = 0;
        for (int i = 0; i < 5_000_000; i++) {
            spin += Long.numberOfTrailingZeros(i ^ spin);
        }
        assertThat(GeneratorClock.SYSTEM.processCpuNanos()).as("after some work (%d)", spin).isGreaterThanOrEqualTo(before);
    }

    private static long slowerThan(LoadResult r, long nanos) {
        return r.latencyNanos().getCountBetweenValues(nanos, r.latencyNanos().getMaxValue());
    }

    /** Runs {@code spec} against a target that commits on the caller's thread, the first append after {@code stall}. */
    private static LoadResult runStalled(LoadSpec spec, long stall) {
        return runStalled(spec, stall, 1);
    }

    /** As {@link #runStalled(LoadSpec, long)}, stalling append number {@code stalled} (1 is the first). */
    private static LoadResult runStalled(LoadSpec spec, long stall, long stalled) {
        VirtualClock clock = new VirtualClock();
        AppendTarget stalls = committingAtOnce("stalls append " + stalled, index -> {
            if (index == stalled) {
                clock.advance(stall);
            }
        });
        return new LoadGenerator(spec, stalls, null, clock).run();
    }

    /** A target that commits each append on the caller's thread, at indexes 1, 2, ..., after {@code beforeCommit}. */
    private static AppendTarget committingAtOnce(String path, LongConsumer beforeCommit) {
        return new AppendTarget() {
            private long next = 1;

            @Override
            public void append(DirectBuffer payload, int offset, int length, AppendCallback callback) {
                long index = next++;
                beforeCommit.accept(index);
                callback.onAppended(index, index);
            }

            @Override
            public String path() {
                return path;
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * A log and its clock in one: it commits the appends in order, one a millisecond of virtual time, each when the
     * generator parks past it, spending {@code cpuPerCommit} of CPU on it.
     */
    private static final class OneAMillisecondLog implements AppendTarget, GeneratorClock {
        private static final long SERVICE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
        private final java.util.ArrayDeque<AppendCallback> waiting = new java.util.ArrayDeque<>();
        private final long cpuPerCommit;
        private long now = 1_000_000_000L;
        private long nextCommit = now + SERVICE_NANOS;
        private long cpu;
        private long index;

        OneAMillisecondLog(long cpuPerCommit) {
            this.cpuPerCommit = cpuPerCommit;
        }

        @Override
        public void append(DirectBuffer payload, int offset, int length, AppendCallback callback) {
            if (waiting.isEmpty()) {
                nextCommit = Math.max(nextCommit, now + SERVICE_NANOS);
            }
            waiting.add(callback);
        }

        @Override
        public long nanoTime() {
            return now;
        }

        /** Returns at the next commit if one falls within {@code nanos}, having made it. */
        @Override
        public void park(Object blocker, long nanos) {
            long until = now + Math.max(nanos, 0);
            if (waiting.isEmpty() || nextCommit > until) {
                now = until;
                return;
            }
            now = nextCommit;
            nextCommit += SERVICE_NANOS;
            cpu += cpuPerCommit;
            index++;
            waiting.poll().onAppended(index, index);
        }

        @Override
        public long processCpuNanos() {
            return cpu;
        }

        @Override
        public String path() {
            return "one commit a millisecond";
        }

        @Override
        public void close() {
        }
    }
}
