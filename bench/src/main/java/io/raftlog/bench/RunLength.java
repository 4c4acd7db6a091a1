package io.raftlog.bench;

import java.time.Duration;

/**
 * How long a phase of a run lasts: a number of appends sent, or a span of time. W2 is defined by counts
 * (2,000 + 20,000 appends), W1 by time (3 s + 10 s); the command line can override either. Zero of
 * both is an empty phase (no warm-up).
 */
public record RunLength(long ops, long nanos) {

    public RunLength {
        if ((ops > 0 && nanos > 0) || ops < 0 || nanos < 0) {
            throw new IllegalArgumentException("a run length is either a number of appends or a time, not negative, not both; got ops="
                + ops + " nanos=" + nanos);
        }
    }

    public static RunLength ofOps(long ops) {
        return new RunLength(ops, 0);
    }

    public static RunLength ofTime(Duration time) {
        return new RunLength(0, time.toNanos());
    }

    public boolean isEmpty() {
        return ops == 0 && nanos == 0;
    }

    public boolean byCount() {
        return ops > 0;
    }

    /** True once a phase that started at {@code startNanos} and has sent {@code sent} appends is over. */
    boolean isOver(long sent, long startNanos, long nowNanos) {
        return byCount() ? sent >= ops : nowNanos - startNanos >= nanos;
    }

    @Override
    public String toString() {
        return byCount() ? ops + " appends" : Durations.format(nanos);
    }
}
