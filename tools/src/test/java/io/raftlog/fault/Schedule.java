package io.raftlog.fault;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The seeded plan of a run: which nemesis starts when and how long it holds, with quiet gaps between.
 * The first steps are a seeded permutation of every nemesis (so any run long enough covers them all),
 * later ones are drawn with weights that favour killing. Targets depend on who leads at the time, so each
 * step carries its own seed for the choices the runner makes then: the same seed gives the same plan and,
 * given the same leaders, the same targets.
 */
final class Schedule {

    record Step(Nemesis nemesis, long atMillis, long holdMillis, long choiceSeed) {
        @Override
        public String toString() {
            return String.format("%7.1fs %-15s hold %5d ms", atMillis / 1000.0, nemesis.label, holdMillis);
        }
    }

    private static final Nemesis[] WEIGHTED = {
        Nemesis.KILL, Nemesis.KILL, Nemesis.KILL, Nemesis.FREEZE, Nemesis.FREEZE, Nemesis.PARTITION, Nemesis.PARTITION,
        Nemesis.ISOLATE_LEADER, Nemesis.ISOLATE_LEADER, Nemesis.ONE_WAY, Nemesis.ONE_WAY, Nemesis.FLAP, Nemesis.SLOW,
        Nemesis.RESTART_ALL, Nemesis.STALL, Nemesis.STALL,
    };

    /**
     * A long stall holds past the transport's stalled-write reconnect (10 s without the socket taking a
     * byte): one stall in {@value #LONG_STALL_ONE_IN}, and only where it still fits in the run.
     */
    static final int LONG_STALL_ONE_IN = 6;
    static final long LONG_STALL_MIN_MILLIS = 10_500;
    static final long LONG_STALL_MAX_MILLIS = 13_000;

    final long seed;
    final long durationMillis;
    final List<Step> steps;

    private Schedule(long seed, long durationMillis, List<Step> steps) {
        this.seed = seed;
        this.durationMillis = durationMillis;
        this.steps = List.copyOf(steps);
    }

    /** Steps that fit in {@code durationMillis}: each starts after a quiet gap and ends (healed) before the end. */
    static Schedule generate(long seed, long durationMillis) {
        return generate(seed, durationMillis, List.of());
    }

    /**
     * As {@link #generate(long, long)}, but the plan opens with {@code opening} in that order (the CI run
     * splits the nemeses among its seeds this way, so every one runs even in short runs).
     */
    static Schedule generate(long seed, long durationMillis, List<Nemesis> opening) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Nemesis> rest = new ArrayList<>(Arrays.asList(Nemesis.values()));
        rest.removeAll(opening);
        Collections.shuffle(rest, new java.util.Random(rnd.nextLong()));
        List<Nemesis> first = new ArrayList<>(opening);
        first.addAll(rest);
        List<Step> steps = new ArrayList<>();
        long t = 0;
        for (int i = 0; ; i++) {
            Nemesis n = i < first.size() ? first.get(i) : WEIGHTED[rnd.nextInt(WEIGHTED.length)];
            long gap = 1000 + rnd.nextLong(1500);
            long hold = holdMillis(n, rnd, durationMillis - t - gap);
            if (t + gap + hold > durationMillis) {
                break;
            }
            t += gap;
            steps.add(new Step(n, t, hold, rnd.nextLong()));
            t += hold;
        }
        return new Schedule(seed, durationMillis, steps);
    }

    private static long holdMillis(Nemesis n, SplittableRandom rnd, long leftMillis) {
        if (n == Nemesis.STALL) {
            boolean longOne = rnd.nextInt(LONG_STALL_ONE_IN) == 0;
            long longHold = LONG_STALL_MIN_MILLIS + rnd.nextLong(LONG_STALL_MAX_MILLIS - LONG_STALL_MIN_MILLIS);
            long shortHold = 2000 + rnd.nextLong(2500);
            return longOne && longHold <= leftMillis ? longHold : shortHold;
        }
        return switch (n) {
            case RESTART_ALL -> 300 + rnd.nextLong(1200);
            case FREEZE -> 1000 + rnd.nextLong(2500);
            case KILL -> 1500 + rnd.nextLong(3000);
            default -> 2000 + rnd.nextLong(2500);
        };
    }

    /** Milliseconds needed for a run to cover every nemesis at the longest gaps and holds (a long stall included). */
    static long coverAllMillis() {
        return Nemesis.values().length * (2500L + 4500L) + LONG_STALL_MAX_MILLIS - 4500L;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("schedule seed=" + seed + " duration=" + durationMillis + " ms\n");
        for (Step s : steps) {
            sb.append("  ").append(s).append('\n');
        }
        return sb.toString();
    }
}
