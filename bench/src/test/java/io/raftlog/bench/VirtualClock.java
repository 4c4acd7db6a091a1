package io.raftlog.bench;

/**
 * A {@link GeneratorClock} that moves only when told to or when the generator parks (a park passes the whole
 * time asked for at once). For a generator whose target completes appends on the calling thread, so one thread
 * reads and moves it.
 */
final class VirtualClock implements GeneratorClock {
    private long now = 1_000_000_000L;
    private long cpu;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void park(Object blocker, long nanos) {
        now += Math.max(nanos, 0);
    }

    @Override
    public long processCpuNanos() {
        return cpu;
    }

    void advance(long nanos) {
        now += nanos;
    }

    /** The process used {@code nanos} more CPU. */
    void spendCpu(long nanos) {
        cpu += nanos;
    }
}
