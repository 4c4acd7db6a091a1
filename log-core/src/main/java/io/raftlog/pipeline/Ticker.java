package io.raftlog.pipeline;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes a TICK into the ring every tick period: the core stays clock-free, time reaches it as events
 * in the same ring as everything else. A tick that finds the ring full is skipped (the raft thread is
 * busy and elections are measured in many ticks). Deadlines are absolute, so ticks do not drift.
 */
final class Ticker implements Runnable {
    private final RaftPipeline pipeline;
    private final long periodNanos;
    private volatile boolean running = true;

    Ticker(RaftPipeline pipeline, long periodMillis) {
        this.pipeline = pipeline;
        this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis);
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        long next = System.nanoTime() + periodNanos;
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
                continue;
            }
            pipeline.publishTick();
            next += periodNanos;
            long now = System.nanoTime();
            if (now - next > periodNanos * 10) {
                next = now + periodNanos; // we were descheduled for long: do not fire a burst of ticks
            }
        }
    }
}
