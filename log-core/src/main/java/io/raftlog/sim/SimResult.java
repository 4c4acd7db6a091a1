package io.raftlog.sim;

import java.util.List;

/**
 * What one seed did. {@code traceHash} digests every event, so two runs of a seed can be compared;
 * {@code trace} holds readable last events only when the run was asked to keep them.
 */
public record SimResult(long seed, int nodes, int faultSteps, long steps, FaultCounts faults, long commits, long acknowledged, long messages,
                        long traceHash, InvariantViolation violation, List<String> trace) {

    public boolean ok() {
        return violation == null;
    }

    /** The violation, how to replay it, and the last events before it. */
    public String report() {
        if (violation == null) {
            return "seed " + seed + ": ok";
        }
        StringBuilder sb = new StringBuilder("VIOLATION ").append(violation.getMessage()).append('\n')
            .append("  replay: raftlog simulate --seeds 1 --seed-start ").append(seed).append(" --nodes ").append(nodes)
            .append(" --steps ").append(faultSteps).append('\n');
        if (!trace.isEmpty()) {
            sb.append("  last ").append(trace.size()).append(" events:\n");
            for (String line : trace) {
                sb.append("    ").append(line).append('\n');
            }
        }
        return sb.toString();
    }
}
