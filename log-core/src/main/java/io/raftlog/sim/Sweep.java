package io.raftlog.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * Many seeds in a row, summed up. A seed that fails is run again with readable tracing on (the run is
 * deterministic, so the fast run pays nothing for traces it does not need) and the replay must fail the
 * same way.
 */
public final class Sweep {

    /** Readable events kept for a violation report. */
    public static final int TRACE_LINES = 60;

    public record Summary(int seeds, long steps, FaultCounts faults, long commits, List<SimResult> violations) {

        /** The one line {@code raftlog simulate} prints. */
        public String line() {
            return "simulated " + seeds + " seeds, " + steps + " steps, " + faults + ", " + commits
                + " commits, " + violations.size() + " violations";
        }
    }

    private Sweep() {
    }

    /** Runs seeds from {@code firstSeed} on, stopping after {@code seeds} of them. */
    public static Summary run(long firstSeed, int seeds, SimOptions options) {
        return run(firstSeed, seeds, options, Long.MAX_VALUE);
    }

    /** As {@link #run(long, int, SimOptions)}, also stopping early once {@code stopAtNanos} (System.nanoTime) passes. */
    public static Summary run(long firstSeed, int seeds, SimOptions options, long stopAtNanos) {
        long steps = 0;
        FaultCounts faults = FaultCounts.NONE;
        long commits = 0;
        int done = 0;
        List<SimResult> violations = new ArrayList<>();
        for (int i = 0; i < seeds && System.nanoTime() < stopAtNanos; i++) {
            SimResult r = Simulation.run(firstSeed + i, options);
            done++;
            steps += r.steps();
            faults = faults.plus(r.faults());
            commits += r.commits();
            if (!r.ok()) {
                violations.add(withTrace(r, options));
            }
        }
        return new Summary(done, steps, faults, commits, violations);
    }

    /** Replays a failed seed with tracing on; the replay must reproduce the violation. */
    static SimResult withTrace(SimResult failed, SimOptions options) {
        SimResult traced = Simulation.run(failed.seed(), options.withTrace(TRACE_LINES));
        if (traced.ok() || !traced.violation().getMessage().equals(failed.violation().getMessage())) {
            throw new IllegalStateException("seed " + failed.seed() + " did not replay: first run "
                + failed.violation().getMessage() + ", replay " + (traced.ok() ? "ok" : traced.violation().getMessage()));
        }
        return traced;
    }
}
