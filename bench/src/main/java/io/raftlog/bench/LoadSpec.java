package io.raftlog.bench;

/**
 * One load-generator run: what to send and how long. Built from a {@link Workload}'s defaults, each
 * setting overridable (the command line's flags map one to one onto the {@code with...} methods).
 *
 * @param workload     the shared workload this run is labelled with
 * @param payloadBytes bytes per append
 * @param window       most appends outstanding at once (closed loop: the generator keeps it full)
 * @param ratePerSec   0 for closed loop; otherwise appends per second sent on a fixed schedule (open loop),
 *                     latency counted from each append's intended send time
 * @param durable      whether entries were fsynced before they counted (a label here: the target decides)
 * @param warmup       the phase whose appends are sent but not measured
 * @param measured     the measured phase
 */
public record LoadSpec(Workload workload, int payloadBytes, int window, long ratePerSec, boolean durable,
                       RunLength warmup, RunLength measured) {

    public LoadSpec {
        if (payloadBytes < 1) {
            throw new IllegalArgumentException("payload must be at least 1 byte, got " + payloadBytes);
        }
        if (window < 1 || window > 1 << 20) {
            throw new IllegalArgumentException("window must be between 1 and 1048576, got " + window);
        }
        if (measured.isEmpty()) {
            throw new IllegalArgumentException("the measured phase must last some appends or some time");
        }
        if (ratePerSec < 0 || ratePerSec > 100_000_000L) {
            throw new IllegalArgumentException("rate must be between 0 (closed loop) and 100000000 appends/s, got " + ratePerSec);
        }
    }

    public static LoadSpec of(Workload workload, boolean durable) {
        return new LoadSpec(workload, workload.payloadBytes(), workload.window(), 0, durable,
            workload.warmup(), workload.measured());
    }

    public LoadSpec withWindow(int newWindow) {
        return new LoadSpec(workload, payloadBytes, newWindow, ratePerSec, durable, warmup, measured);
    }

    public LoadSpec withRate(long perSecond) {
        return new LoadSpec(workload, payloadBytes, window, perSecond, durable, warmup, measured);
    }

    public LoadSpec withWarmup(RunLength length) {
        return new LoadSpec(workload, payloadBytes, window, ratePerSec, durable, length, measured);
    }

    public LoadSpec withMeasured(RunLength length) {
        return new LoadSpec(workload, payloadBytes, window, ratePerSec, durable, warmup, length);
    }

    public LoadSpec withPayload(int bytes) {
        return new LoadSpec(workload, bytes, window, ratePerSec, durable, warmup, measured);
    }

    public boolean openLoop() {
        return ratePerSec > 0;
    }
}
