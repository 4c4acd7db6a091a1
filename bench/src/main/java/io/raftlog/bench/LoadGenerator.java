package io.raftlog.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.raftlog.net.client.AppendCallback;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Sends appends to an {@link AppendTarget} as a {@link LoadSpec} says and measures commit latency.
 *
 * <p>Closed loop (no rate): {@code window} appends are kept outstanding; each completion frees a slot
 * the generator refills. Open loop ({@code ratePerSec > 0}): append k is due at {@code start + k/rate};
 * its latency is counted from that intended time, so a stall of the system (or of the generator) shows
 * in the percentiles instead of silently delaying later sends (no coordinated omission). The window then
 * only caps what may be outstanding. Beside that latency an open-loop run also records the service time,
 * from the actual send: where the two differ, the appends waited for the generator (its thread woke late or
 * the window was full), not for the log.
 *
 * <p>The generator shares the machine's cores with the cluster, so it is kept light: one pre-allocated
 * slot object per window place, returned through an allocation-free queue, which is also the client's
 * completion callback, so the generator allocates nothing per append. Latency goes into one HdrHistogram
 * {@link Recorder} per phase, written by the completing thread, read once a second for the progress line.
 * The generator thread parks while the window is full and is woken once a batch of slots came back, not
 * per completion (a wake-up costs microseconds of someone's core).
 */
public final class LoadGenerator {

    /** Latencies above this are clamped (and show as max); far beyond any sane commit latency. */
    static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_ERRORS = 1_000;

    private final LoadSpec spec;
    private final AppendTarget target;
    private final GeneratorClock clock;
    private final PrintStream progress;
    /** Measures the platform's stalls over the measured phase; null: not measured. */
    private final HiccupMeter hiccups;
    /** The write counters of the disk under the target's data; null: not measured. */
    private final DiskCounters disk;
    private final UnsafeBuffer payload;
    private final ManyToOneConcurrentArrayQueue<Slot> free;
    private final int wakeThreshold;
    private final Recorder warmupRecorder = newRecorder();
    private final Recorder measuredRecorder = newRecorder();
    /** Open loop only: from each measured append's actual send to its acknowledgement (the latency less the send's lateness). */
    private final Recorder measuredServiceRecorder = newRecorder();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong measuredFailed = new AtomicLong();
    private final AtomicLong lastCompletionNanos = new AtomicLong();
    /** Measured latencies beyond what the histograms hold, recorded as the limit (so the top percentiles read low). */
    private final AtomicLong clippedLatencies = new AtomicLong();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();
    private volatile boolean waiting;
    private volatile Thread generatorThread;

    /**
     * @param progress where the once-a-second progress line goes; null for none
     */
    public LoadGenerator(LoadSpec spec, AppendTarget target, PrintStream progress) {
        this(spec, target, progress, (HiccupMeter) null);
    }

    /**
     * @param progress where the once-a-second progress line goes; null for none
     * @param hiccups  a running meter whose samples over the measured phase go into the result; null for none
     */
    public LoadGenerator(LoadSpec spec, AppendTarget target, PrintStream progress, HiccupMeter hiccups) {
        this(spec, target, progress, GeneratorClock.SYSTEM, hiccups);
    }

    /** With the time source a test controls. */
    LoadGenerator(LoadSpec spec, AppendTarget target, PrintStream progress, GeneratorClock clock) {
        this(spec, target, progress, clock, null);
    }

    private LoadGenerator(LoadSpec spec, AppendTarget target, PrintStream progress, GeneratorClock clock, HiccupMeter hiccups) {
        this.spec = spec;
        this.target = target;
        this.clock = clock;
        this.progress = progress;
        this.hiccups = hiccups;
        this.disk = DiskCounters.of(target.dataDirectory());
        byte[] bytes = new byte[spec.payloadBytes()];
        new SplittableRandom(42).nextBytes(bytes); // incompressible, and the same for every run
        this.payload = new UnsafeBuffer(bytes);
        this.free = new ManyToOneConcurrentArrayQueue<>(spec.window());
        this.wakeThreshold = Math.max(1, spec.window() / 16);
    }

    /** Runs warm-up and measured phase, waits for the outstanding appends, and returns the measurement. */
    public LoadResult run() {
        generatorThread = Thread.currentThread();
        for (int i = 0; i < spec.window(); i++) {
            free.offer(new Slot());
        }
        final long start = clock.nanoTime();
        lastCompletionNanos.set(start);
        final double periodNanos = spec.openLoop() ? 1e9 / spec.ratePerSec() : 0;
        // Open loop: the phases are parts of the schedule, whatever the generator manages. An append belongs to the
        // phase its due time falls in, and every append due in the measured phase is sent, however late, so a
        // generator behind at the end cannot leave out the slowest ones, nor carry warm-up ones into the measure.
        final long openWarmup = spec.openLoop() ? appendsOf(spec.warmup(), periodNanos) : 0;
        final long openTotal = spec.openLoop() ? openWarmup + appendsOf(spec.measured(), periodNanos) : 0;
        final Histogram warmupTotal = newHistogram();
        final Histogram measuredTotal = newHistogram();
        Histogram warmupInterval = null; // each recorder recycles only histograms it handed out
        Histogram measuredInterval = null;
        long nextReport = start + REPORT_INTERVAL_NANOS;
        long committedAtLastReport = 0;
        long lastReportNanos = start;
        boolean measuring = false;
        long phaseStart = start;
        long sentInPhase = 0;
        long scheduled = 0;
        long cpuAtMeasuredStart = -1;
        DiskCounters.Sample diskAtMeasuredStart = null;
        long sendingEnd = start;

        while (true) {
            long now = clock.nanoTime();
            boolean busyPass = false; // a report or the phase switch: their time must not count in a send's latency
            if (now >= nextReport) {
                busyPass = true;
                warmupInterval = warmupRecorder.getIntervalHistogram(warmupInterval);
                warmupTotal.add(warmupInterval);
                measuredInterval = measuredRecorder.getIntervalHistogram(measuredInterval);
                measuredTotal.add(measuredInterval);
                long done = committed.get();
                printProgress(now - start, measuring, (done - committedAtLastReport) * 1e9 / (now - lastReportNanos),
                    measuring ? measuredTotal : warmupTotal);
                committedAtLastReport = done;
                lastReportNanos = now;
                nextReport += REPORT_INTERVAL_NANOS;
                if (nextReport <= now) {
                    nextReport = now + REPORT_INTERVAL_NANOS; // after a stall: one line, not a burst of catch-up lines
                }
            }
            checkHealth(now);
            boolean phaseOver = spec.openLoop() ? scheduled >= (measuring ? openTotal : openWarmup)
                : (measuring ? spec.measured() : spec.warmup()).isOver(sentInPhase, phaseStart, now);
            if (phaseOver) {
                if (measuring) {
                    sendingEnd = now;
                    break;
                }
                busyPass = true;
                measuring = true;
                // The measured seconds start at the first measured send: when the first is due (a generator on
                // time parks until then), or now if the generator is behind. Not at the due time alone: a generator
                // that fell behind in warm-up would count the warm-up backlog's time against the measured appends
                // (found in review: 18% low at --rate 1000000 against 250k/s). Latencies still count from due times.
                phaseStart = spec.openLoop() ? Math.max(now, start + (long) (scheduled * periodNanos)) : now;
                if (hiccups != null) {
                    hiccups.restart();
                }
                cpuAtMeasuredStart = clock.processCpuNanos();
                diskAtMeasuredStart = disk == null ? null : disk.read(now);
                sentInPhase = 0;
            }
            if (busyPass) {
                now = clock.nanoTime();
            }
            long due = now;
            if (spec.openLoop()) {
                due = start + (long) (scheduled * periodNanos);
                if (due > now) {
                    clock.park(this, Math.min(due, nextReport) - now);
                    continue;
                }
            }
            Slot slot = free.poll();
            if (slot == null) {
                awaitFreeSlot();
                continue;
            }
            slot.dueNanos = due;
            slot.sentNanos = now;
            slot.measured = measuring;
            scheduled++;
            sentInPhase++;
            send(slot);
        }
        final long measuredStart = phaseStart;
        // The measured window ends when sending stops, for the rate, the CPU and the disk alike, not after the drain.
        // By Little's law the appends sent in the window are the ones the log committed in it, give or take the
        // window in flight at either end; ending at the last acknowledgement instead added the drain (one window's
        // commit latency) to the seconds and the warm-up's leftover work to the CPU, so both read against the
        // slower system: -0.02% at raftlog's 500k/s, -25% at Ratis' few hundred (found in review).
        long cpuAtMeasuredEnd = clock.processCpuNanos();
        DiskActivity diskActivity = disk == null ? null : disk.between(diskAtMeasuredStart, disk.read(clock.nanoTime()));
        long unacknowledged = drain();
        Histogram hiccupNanos = hiccups == null ? null : hiccups.sample();
        measuredTotal.add(measuredRecorder.getIntervalHistogram(measuredInterval));
        Histogram serviceNanos = spec.openLoop() ? measuredServiceRecorder.getIntervalHistogram() : null;
        long clipped = clippedLatencies.get();
        if (clipped > 0 && progress != null) {
            progress.printf(Locale.ROOT, "warning: %d measured latencies were longer than %2$d s and are counted as %2$d s "
                + "(the histograms' limit): the highest percentiles and the max read low%n", clipped,
                TimeUnit.NANOSECONDS.toSeconds(HIGHEST_TRACKABLE_NANOS));
        }
        double seconds = Math.max(sendingEnd - measuredStart, 0) / 1e9;
        long cpuNanos = cpuAtMeasuredStart < 0 || cpuAtMeasuredEnd < 0 ? -1 : cpuAtMeasuredEnd - cpuAtMeasuredStart;
        return new LoadResult(target.system(), spec, target.path(), measuredTotal.getTotalCount(), seconds,
            measuredFailed.get() + unacknowledged, measuredTotal, cpuNanos, hiccupNanos, serviceNanos, diskActivity);
    }

    /** Measured latencies longer than the histograms hold (for tests). */
    long clippedLatencies() {
        return clippedLatencies.get();
    }

    /** The appends an open loop schedules in {@code length} at one per {@code periodNanos}. */
    private static long appendsOf(RunLength length, double periodNanos) {
        return length.byCount() ? length.ops() : Math.round(length.nanos() / periodNanos);
    }

    private void send(Slot slot) {
        try {
            target.append(payload, 0, payload.capacity(), slot);
        } catch (RuntimeException e) {
            slot.onFailed(-1, e);
        }
    }

    /** Parks until a batch of slots came back (or briefly, so progress and health checks keep running). */
    private void awaitFreeSlot() {
        waiting = true;
        if (free.isEmpty()) {
            clock.park(this, MAX_PARK_NANOS);
        }
        waiting = false;
    }

    /**
     * Waits up to {@link #DRAIN_NANOS} for every outstanding append; returns how many did not complete, which the
     * result counts as errors. Only too many failures end it early: a stall here is what the errors report, and
     * throwing on it (as the sending loop does) would lose the whole run's result for one lost append.
     */
    private long drain() {
        long deadline = clock.nanoTime() + DRAIN_NANOS;
        while (free.size() < spec.window() && clock.nanoTime() < deadline) {
            checkFailures();
            clock.park(this, MAX_PARK_NANOS);
        }
        return spec.window() - free.size();
    }

    private void checkHealth(long now) {
        checkFailures();
        long errors = failed.get();
        if (free.size() < spec.window() && now - lastCompletionNanos.get() > STALL_NANOS) {
            throw new IllegalStateException("no append completed for " + STALL_NANOS / 1_000_000_000L + " s with "
                + (spec.window() - free.size()) + " outstanding" + (errors > 0 ? "; " + errors + " failed, the first with: "
                + describe(firstError.get()) : ""));
        }
    }

    private void checkFailures() {
        long errors = failed.get();
        if (errors >= MAX_ERRORS) {
            throw new IllegalStateException(errors + " appends failed, the first with: " + describe(firstError.get()));
        }
    }

    private static String describe(Throwable t) {
        Throwable e = t;
        while (e != null && e.getCause() != null && (e.getMessage() == null || e instanceof java.util.concurrent.CompletionException)) {
            e = e.getCause();
        }
        return e == null ? "?" : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private void printProgress(long elapsedNanos, boolean measuring, double perSecond, Histogram soFar) {
        if (progress == null) {
            return;
        }
        String p99 = soFar.getTotalCount() == 0 ? "-" : String.format(Locale.ROOT, "%,.0f us", soFar.getValueAtPercentile(99) / 1e3);
        progress.printf(Locale.ROOT, "%6.1f s  %-8s committed/s %,11.0f   p99 so far %s%s%n", elapsedNanos / 1e9,
            measuring ? "measure" : "warm-up", perSecond, p99, failed.get() > 0 ? "   failed " + failed.get() : "");
        progress.flush();
    }

    static Histogram newHistogram() {
        return new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
    }

    private static Recorder newRecorder() {
        return new Recorder(HIGHEST_TRACKABLE_NANOS, 3);
    }

    /** One place in the window: carries an append's due and send times to its completion, then returns to the pool. */
    private final class Slot implements AppendCallback {
        long dueNanos;
        /** When the generator actually sent it: later than due when the generator's thread ran late. */
        long sentNanos;
        boolean measured;

        @Override
        public void onAppended(long sequence, long index) {
            long now = clock.nanoTime();
            long latency = now - dueNanos;
            if (latency > HIGHEST_TRACKABLE_NANOS) {
                latency = HIGHEST_TRACKABLE_NANOS;
                if (measured) {
                    clippedLatencies.incrementAndGet();
                }
            }
            (measured ? measuredRecorder : warmupRecorder).recordValue(latency);
            if (measured) {
                if (spec.openLoop()) {
                    measuredServiceRecorder.recordValue(Math.min(now - sentNanos, HIGHEST_TRACKABLE_NANOS));
                }
            }
            committed.incrementAndGet();
            release(now);
        }

        @Override
        public void onFailed(long sequence, Throwable error) {
            firstError.compareAndSet(null, error);
            failed.incrementAndGet();
            if (measured) {
                measuredFailed.incrementAndGet();
            }
            release(clock.nanoTime());
        }

        private void release(long now) {
            lastCompletionNanos.lazySet(now);
            free.offer(this);
            if (waiting && free.size() >= wakeThreshold) {
                waiting = false;
                LockSupport.unpark(generatorThread);
            }
        }
    }
}
