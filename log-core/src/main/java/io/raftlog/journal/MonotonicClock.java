package io.raftlog.journal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;

/**
 * The wall clock Chronicle picks a journal's cycle file by, kept from going back. Chronicle writes each document
 * into the file of the cycle the time falls in; a clock stepped back (NTP at boot, an operator) made it write later
 * entries into an earlier file, which reads before the later ones, and the next start refused the journal as out of
 * order. Held at or above the start of the newest cycle file (raised at open, before anything is written) and at
 * or above every time it returned, a writer keeps to the newest file until the clock catches up.
 */
final class MonotonicClock implements TimeProvider {
    private final TimeProvider base;
    private final AtomicLong floorMillis = new AtomicLong(Long.MIN_VALUE);

    MonotonicClock(TimeProvider base) {
        this.base = base != null ? base : SystemTimeProvider.INSTANCE;
    }

    /** From now on, never a time before {@code millis}. */
    void raiseTo(long millis) {
        floorMillis.accumulateAndGet(millis, Math::max);
    }

    @Override
    public long currentTimeMillis() {
        return floorMillis.accumulateAndGet(base.currentTimeMillis(), Math::max);
    }

    @Override
    public long currentTimeMicros() {
        return Math.max(base.currentTimeMicros(), TimeUnit.MILLISECONDS.toMicros(currentTimeMillis()));
    }

    @Override
    public long currentTimeNanos() {
        return Math.max(base.currentTimeNanos(), TimeUnit.MILLISECONDS.toNanos(currentTimeMillis()));
    }
}
