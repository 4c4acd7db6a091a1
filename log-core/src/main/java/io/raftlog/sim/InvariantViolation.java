package io.raftlog.sim;

/** A safety or liveness property failed: names the seed, the step and the property, so it replays. */
public final class InvariantViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long seed;
    private final long step;

    public InvariantViolation(long seed, long step, String what) {
        super("seed " + seed + " step " + step + ": " + what);
        this.seed = seed;
        this.step = step;
    }

    public long seed() {
        return seed;
    }

    public long step() {
        return step;
    }
}
