package io.raftlog.sim;

/**
 * What one simulation run looks like; everything else (fault rates, timeouts, window sizes) is drawn per
 * seed, so a sweep covers many shapes of cluster and network.
 *
 * @param nodes         cluster size (1, 3 or 5 are the supported shapes; any size >= 1 works)
 * @param faultSteps    steps with faults; then the network heals, dead nodes restart, and liveness is checked
 * @param livenessSteps bound on steps after the faults stop for a new proposal to commit
 * @param traceLines    readable events kept for a violation report (0: none, the fast path)
 * @param factory       builds each node incarnation
 */
public record SimOptions(int nodes, int faultSteps, int livenessSteps, int traceLines, NodeFactory factory) {

    public static final int DEFAULT_STEPS = 1000;

    public SimOptions {
        if (nodes < 1) {
            throw new IllegalArgumentException("--nodes must be >= 1, got " + nodes);
        }
        if (faultSteps < 0 || livenessSteps < 1) {
            throw new IllegalArgumentException("--steps must be >= 0, got " + faultSteps);
        }
    }

    public static SimOptions of(int nodes, int faultSteps) {
        return new SimOptions(nodes, faultSteps, 500, 0, NodeFactory.STANDARD);
    }

    public SimOptions withTrace(int lines) {
        return new SimOptions(nodes, faultSteps, livenessSteps, lines, factory);
    }

    public SimOptions withFactory(NodeFactory f) {
        return new SimOptions(nodes, faultSteps, livenessSteps, traceLines, f);
    }
}
