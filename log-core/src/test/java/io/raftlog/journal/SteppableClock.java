package io.raftlog.journal;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import net.openhft.chronicle.core.time.TimeProvider;

/** A wall clock a test sets, backwards too (Chronicle's SetTimeProvider refuses to go back in time). */
final class SteppableClock implements TimeProvider {
    private volatile long millis;

    SteppableClock(String instant) {
        millis = Instant.parse(instant + "Z").toEpochMilli();
    }

    void stepMillis(long delta) {
        millis += delta;
    }

    @Override
    public long currentTimeMillis() {
        return millis;
    }

    @Override
    public long currentTimeMicros() {
        return TimeUnit.MILLISECONDS.toMicros(millis);
    }

    @Override
    public long currentTimeNanos() {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
