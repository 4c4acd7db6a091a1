package io.raftlog.testing;

/**
 * The one wording for the seed a test prints when the test also runs threads or processes of its own (public:
 * the net module's tests reuse it through the log-core test jar). Such a seed replays the random inputs
 * (payloads, counts, kill points chosen by count, truncations), not the order in which the threads ran, so a
 * failure may need several runs with its seed to come back; the test prints what happened where that is cheap.
 */
public final class Seeds {
    /** What a printed seed does not replay. */
    public static final String INPUTS_ONLY = "the seed reproduces the inputs, not the thread interleaving";

    private Seeds() {
    }

    /** Prints {@code <test> seed=S (rerun with -D<property>=S; the seed reproduces the inputs, not the thread interleaving)}. */
    public static void print(String test, long seed, String property) {
        System.out.println(test + " seed=" + seed + " (rerun with -D" + property + "=" + seed + "; " + INPUTS_ONLY + ")");
    }
}
