package io.raftlog.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * How much of its cores the machine gives right now: one thread per core reads the clock in a loop for a few
 * seconds, and every gap between two reads longer than {@link #GAP_NANOS} is time that thread did not run. With
 * nothing else running in the guest, that time went to the hypervisor's other guests.
 *
 * <p>Why: on the benchmark machine (a guest on a shared host) two spinning threads of a probe once got 26% of the
 * wall time each, and two minutes later nearly all of it; W1 none ranged from 483k to 769k appends/s within one
 * hour, and part of its p99.9 is the stalls measured here (docs/BENCHMARKS.md, tenth session). Like {@link DiskFloor} for the disk, it is run beside a
 * benchmark to tell the machine's state from the system's.
 *
 * <p>It spins on every core, so it measures nothing useful while a benchmark runs: run it before or after.
 */
public final class CpuFloor {
    /** Gaps shorter than this are the loop itself (and interrupts), not lost time. */
    static final long GAP_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

    /** One spinning thread's account: how long it ran and the gaps in which it did not. */
    static final class Spinner {
        private final Histogram gapNanos = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
        private long first = -1;
        private long last;
        private long lostNanos;

        /** Takes the next reading of the clock. */
        void observe(long now) {
            if (first < 0) {
                first = now;
            } else {
                long gap = now - last;
                if (gap > GAP_NANOS) {
                    gapNanos.recordValue(Math.min(gap, gapNanos.getHighestTrackableValue()));
                    lostNanos += gap;
                }
            }
            last = now;
        }

        long wallNanos() {
            return first < 0 ? 0 : last - first;
        }

        /** The share of the wall time this thread ran, 0 to 1. */
        double share() {
            long wall = wallNanos();
            return wall == 0 ? 0 : 1.0 - (double) lostNanos / wall;
        }

        Histogram gaps() {
            return gapNanos;
        }
    }

    /** What a measurement found. */
    public record Result(int threads, double seconds, double[] shares, Histogram gapNanos) {
        /** Cores' worth of time the threads got together (at most {@code threads}). */
        public double coresGiven() {
            double sum = 0;
            for (double s : shares) {
                sum += s;
            }
            return sum;
        }

        public String summary() {
            StringBuilder perThread = new StringBuilder();
            for (double s : shares) {
                perThread.append(perThread.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f%%", s * 100));
            }
            return String.format(Locale.ROOT, "cpu floor: %d spinning threads for %.1f s got %.2f cores' worth (%s of the wall time each);%n"
                    + "  gaps > %d us: %d, p99 %.2f ms, max %.2f ms", threads, seconds, coresGiven(), perThread, GAP_NANOS / 1_000,
                gapNanos.getTotalCount(), gapNanos.getTotalCount() == 0 ? 0 : gapNanos.getValueAtPercentile(99) / 1e6,
                gapNanos.getMaxValue() / 1e6);
        }

        /** {@code RESULT {"system":"cpu-floor", ...}}, as the benchmarks' lines are built. */
        public String resultLine() {
            return new JsonLine("RESULT")
                .text("system", "cpu-floor")
                .number("threads", threads)
                .decimal("seconds", seconds, 3)
                .decimal("cores_given", coresGiven(), 3)
                .number("gaps", gapNanos.getTotalCount())
                .decimal("gap_p99_us", gapNanos.getTotalCount() == 0 ? 0 : gapNanos.getValueAtPercentile(99) / 1e3, 1)
                .decimal("gap_max_us", gapNanos.getMaxValue() / 1e3, 1)
                .toString();
        }
    }

    private final int threads;
    private final long durationNanos;

    /**
     * @param threads  spinning threads (the machine's cores, to see what all of them give)
     * @param duration how long each spins
     */
    public CpuFloor(int threads, Duration duration) {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads must be 1 to 256, got " + threads);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("the duration must be positive, got " + duration);
        }
        this.threads = threads;
        this.durationNanos = duration.toNanos();
    }

    /** Spins on {@code threads} threads at once and returns what each got. */
    public Result run() throws InterruptedException {
        List<Spinner> spinners = new ArrayList<>();
        List<Thread> running = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Spinner spinner = new Spinner();
            spinners.add(spinner);
            Thread t = new Thread(() -> spin(spinner), "raftlog-cpu-floor-" + i);
            t.setDaemon(true);
            running.add(t);
        }
        running.forEach(Thread::start);
        for (Thread t : running) {
            t.join();
        }
        Histogram gaps = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
        double[] shares = new double[threads];
        long wall = 0;
        for (int i = 0; i < threads; i++) {
            gaps.add(spinners.get(i).gaps());
            shares[i] = spinners.get(i).share();
            wall = Math.max(wall, spinners.get(i).wallNanos());
        }
        return new Result(threads, wall / 1e9, shares, gaps);
    }

    private void spin(Spinner spinner) {
        long start = System.nanoTime();
        long now = start;
        while (now - start < durationNanos) {
            spinner.observe(now);
            now = System.nanoTime();
        }
        spinner.observe(now);
    }
}
