package io.raftlog.pipeline;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

/**
 * The raft thread's ways of waiting for events, by name. Three nodes and their clients share two cores,
 * so nothing may spin forever. The default blocks at once on a lite lock that producers signal only when
 * the raft thread really sleeps: every wake-up costs a few microseconds, but on two cores a thread that
 * spins or yields while it waits takes the core from the very thread (a transport, another node) that has
 * the next step of the same append. Measured with {@code raftlog bench} on the 2-vCPU machine (docs/
 * BENCHMARKS.md): against spinning 20 us and yielding to 200 us first ("phased", the previous default), W1
 * went from 248-265k to 420-444k appends/s and W2's median from 397 to 142 us.
 */
public final class WaitStrategies {
    /** Spin 20 us, yield until 200 us, then block on a lite lock (for machines with cores to spare). */
    public static final String PHASED = "phased";
    /** Spin, yield, then park in short sleeps (no signalling cost for producers, ~60 us idle latency). */
    public static final String SLEEPING = "sleeping";
    /** Always block on a lock (lowest CPU when idle; every event pays a wake-up). */
    public static final String BLOCKING = "blocking";
    /** Block on a lock that producers signal only while the raft thread really waits. */
    public static final String LITE = "lite";
    /** Spin then yield forever (burns a core: benchmarks on a dedicated machine only). */
    public static final String YIELDING = "yielding";
    public static final String DEFAULT = LITE;

    private WaitStrategies() {
    }

    public static WaitStrategy create(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case PHASED -> PhasedBackoffWaitStrategy.withLiteLock(20, 200, TimeUnit.MICROSECONDS);
            case SLEEPING -> new SleepingWaitStrategy(200, 20_000);
            case BLOCKING -> new BlockingWaitStrategy();
            case LITE -> new LiteBlockingWaitStrategy();
            case YIELDING -> new YieldingWaitStrategy();
            default -> throw new IllegalArgumentException("unknown wait strategy '" + name
                + "': expected phased, sleeping, blocking, lite or yielding");
        };
    }
}
