package io.raftlog.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Measures how late a thread that asks to sleep for a millisecond wakes up, beside a benchmark run: the
 * stalls of the platform rather than of the system measured (the idea of Azul's jHiccup). A commit can never
 * be faster than the threads it passes get a core, so when the commit latency's tail is as long as the
 * hiccups', the tail is the machine's (a hypervisor that deschedules the guest's vCPUs, the JVM's pauses,
 * cores taken by the run's own threads), not the log's.
 *
 * <p>What it includes: the wait for a core of a thread that became runnable (on a machine the run keeps
 * busy, that is most of it), time the guest did not run at all, and safepoint pauses of this JVM. What it
 * costs: a thousand wake-ups a second on one thread, nothing allocated per sample.
 *
 * <p>Threads: its own ("raftlog-hiccups"), which records; {@link #restart()} and {@link #sample()} from any
 * one other thread.
 */
public final class HiccupMeter implements AutoCloseable {
    /** How long the meter asks to sleep: jHiccup's default, short enough to catch millisecond stalls. */
    static final long RESOLUTION_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** The meter's time: the monotonic clock, and a sleep of at least the given nanoseconds. */
    interface Clock {
        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(long nanos) {
                LockSupport.parkNanos(nanos);
            }
        };

        long nanoTime();

        void sleep(long nanos);
    }

    private final Clock clock;
    private final Recorder recorder = new Recorder(LoadGenerator.HIGHEST_TRACKABLE_NANOS, 3);
    private final Thread thread;
    private volatile boolean running = true;
    private Histogram recycled;

    private HiccupMeter(Clock clock) {
        this.clock = clock;
        this.thread = new Thread(this::run, "raftlog-hiccups");
        this.thread.setDaemon(true);
    }

    /** Starts measuring on a thread of its own. */
    public static HiccupMeter start() {
        HiccupMeter meter = new HiccupMeter(Clock.SYSTEM);
        meter.thread.start();
        return meter;
    }

    /** A meter whose samples a test takes one at a time with {@link #sampleOnce()}; no thread. */
    static HiccupMeter manual(Clock clock) {
        return new HiccupMeter(clock);
    }

    private void run() {
        while (running) {
            sampleOnce();
        }
    }

    /**
     * One sleep: records how much longer than asked it took, and, for a wake-up later than the next one was due,
     * the samples the stall kept from being taken (as jHiccup does): a 20 ms stall is then twenty samples of 20,
     * 19, ... 1 ms, as a request sent every millisecond would have seen it, not one sample among a thousand that
     * a percentile could skip over (found in review; the latencies it is compared with count every request).
     */
    void sampleOnce() {
        long before = clock.nanoTime();
        clock.sleep(RESOLUTION_NANOS);
        long late = clock.nanoTime() - before - RESOLUTION_NANOS;
        recorder.recordValueWithExpectedInterval(Math.min(Math.max(late, 0), LoadGenerator.HIGHEST_TRACKABLE_NANOS),
            RESOLUTION_NANOS);
    }

    /** Forgets what was measured so far: the next {@link #sample()} covers only what follows. */
    public void restart() {
        recycled = recorder.getIntervalHistogram(recycled);
    }

    /** How late each sleep since the last {@link #restart()} or {@code sample()} woke, in nanoseconds (a new histogram). */
    public Histogram sample() {
        recycled = recorder.getIntervalHistogram(recycled);
        return recycled.copy();
    }

    /** Whether the meter's thread still runs (for tests). */
    boolean threadAlive() {
        return thread.isAlive();
    }

    @Override
    public void close() {
        running = false;
        if (thread.isAlive()) {
            LockSupport.unpark(thread);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
