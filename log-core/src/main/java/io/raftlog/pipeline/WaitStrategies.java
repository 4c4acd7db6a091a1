package io.raftlog.pipeline;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

/**
 * The raft thread's ways of waiting for events, by name. Three nodes and their clients share two cores,
 * so nothing may spin forever; and every blocking hand-off costs a few microseconds of wake-up, so the
 * default spins and yields briefly (catching the next event of a busy stream without a wake-up) before it
 * falls back to a lite lock that producers only signal when the raft thread is really asleep.
 */
public final class WaitStrategies {
    /** Spin 20 us, yield until 200 us, then block on a lite lock. */
    public static final String PHASED = "phased";
    /** Spin, yield, then park in short sleeps (no signalling cost for producers, ~60 us idle latency). */
    public static final String SLEEPING = "sleeping";
    /** Always block on a lock (lowest CPU when idle; every event pays a wake-up). */
    public static final String BLOCKING = "blocking";
    /** Spin then yield forever (burns a core: benchmarks on a dedicated machine only). */
    public static final String YIELDING = "yielding";
    public static final String DEFAULT = PHASED;

    private WaitStrategies() {
    }

    public static WaitStrategy create(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case PHASED -> PhasedBackoffWaitStrategy.withLiteLock(20, 200, TimeUnit.MICROSECONDS);
            case SLEEPING -> new SleepingWaitStrategy(200, 20_000);
            case BLOCKING -> new BlockingWaitStrategy();
            case YIELDING -> new YieldingWaitStrategy();
            default -> throw new IllegalArgumentException("unknown wait strategy '" + name
                + "': expected phased, sleeping, blocking or yielding");
        };
    }
}
