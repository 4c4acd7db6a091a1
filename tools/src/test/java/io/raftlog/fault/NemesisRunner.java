package io.raftlog.fault;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Executes a {@link Schedule} against a {@link FaultTarget}: waits for each step's time, injects it,
 * holds it, heals it, and records both in the history. Every step is healed before the next starts, and
 * {@link #run} heals whatever is active if it is interrupted, so a run always ends with every node
 * running and thawed and every link passing.
 */
final class NemesisRunner {
    private final FaultTarget target;
    private final History history;
    private final long startNanos;

    NemesisRunner(FaultTarget target, History history, long startNanos) {
        this.target = target;
        this.history = history;
        this.startNanos = startNanos;
    }

    /** Runs every step; returns false if interrupted (after healing). */
    boolean run(Schedule schedule) {
        for (Schedule.Step step : schedule.steps) {
            if (!Await.pauseUntil(startNanos + step.atMillis() * 1_000_000L)) {
                return false;
            }
            if (!execute(step)) {
                return false;
            }
        }
        return true;
    }

    /** Injects, holds and heals one step; returns false if interrupted during the hold (healed anyway). */
    boolean execute(Schedule.Step step) {
        SplittableRandom rnd = new SplittableRandom(step.choiceSeed());
        long holdNanos = step.holdMillis() * 1_000_000L;
        int n = target.nodes();
        int leader = target.leader();
        long t0 = System.nanoTime();
        String what;
        Runnable heal;
        boolean completed;
        switch (step.nemesis()) {
            case KILL -> {
                int victim = leader != 0 && rnd.nextInt(3) < 2 ? leader : 1 + rnd.nextInt(n);
                what = "kill -9 node " + victim + (victim == leader ? " (leader)" : "") + ", restart after " + step.holdMillis() + " ms";
                target.kill(victim);
                heal = () -> target.start(victim);
            }
            case FREEZE -> {
                int victim = leader != 0 && rnd.nextBoolean() ? leader : 1 + rnd.nextInt(n);
                what = "SIGSTOP node " + victim + (victim == leader ? " (leader)" : "") + " for " + step.holdMillis() + " ms";
                target.freeze(victim);
                heal = () -> target.thaw(victim);
            }
            case PARTITION -> {
                List<Integer> order = shuffled(n, rnd);
                int minority = 1 + rnd.nextInt((n - 1) / 2);
                Set<Integer> small = new HashSet<>(order.subList(0, minority));
                Set<Integer> big = new HashSet<>(order.subList(minority, n));
                what = "partition majority " + sorted(big) + " | minority " + sorted(small);
                target.partition(List.of(big, small));
                heal = target::healNetwork;
            }
            case ISOLATE_LEADER -> {
                int victim = leader != 0 ? leader : 1 + rnd.nextInt(n);
                Set<Integer> rest = new HashSet<>();
                for (int i = 1; i <= n; i++) {
                    if (i != victim) {
                        rest.add(i);
                    }
                }
                what = "isolate node " + victim + (victim == leader ? " (leader)" : " (no leader known)");
                target.partition(List.of(Set.of(victim), rest));
                heal = target::healNetwork;
            }
            case ONE_WAY -> {
                int mode = rnd.nextInt(3);
                int a = leader != 0 && mode == 0 ? leader : 1 + rnd.nextInt(n);
                if (mode == 0) {
                    what = "node " + a + (a == leader ? " (leader)" : "") + " cannot send to anyone (it still receives)";
                    for (int i = 1; i <= n; i++) {
                        if (i != a) {
                            target.blockOneWay(a, i);
                        }
                    }
                } else if (mode == 1) {
                    what = "node " + a + (a == leader ? " (leader)" : "") + " cannot receive from anyone (it still sends)";
                    for (int i = 1; i <= n; i++) {
                        if (i != a) {
                            target.blockOneWay(i, a);
                        }
                    }
                } else {
                    int b = 1 + (a + rnd.nextInt(n - 1)) % n;
                    what = "bytes from node " + a + " to node " + b + " are dropped (the reverse passes)";
                    target.blockOneWay(a, b);
                }
                heal = target::healNetwork;
            }
            case FLAP -> {
                int victim = leader != 0 && rnd.nextBoolean() ? leader : 1 + rnd.nextInt(n);
                what = "flap node " + victim + (victim == leader ? " (leader)" : "") + "'s links every 100-700 ms for " + step.holdMillis() + " ms";
                history.inject(new History.Injection(t0, -1, step.nemesis().label, what));
                completed = flap(victim, holdNanos, rnd);
                target.healNetwork();
                finish(t0);
                return completed;
            }
            case STALL -> {
                int a = leader != 0 && rnd.nextBoolean() ? leader : 1 + rnd.nextInt(n);
                if (rnd.nextInt(3) == 0) {
                    int b = 1 + (a + rnd.nextInt(n - 1)) % n;
                    what = "stall the link between node " + a + (a == leader ? " (leading)" : "") + " and node " + b + " for "
                        + step.holdMillis() + " ms (nothing read or connected, all delivered late at the heal)";
                    target.stallLink(a, b);
                } else {
                    what = "stall every link of node " + a + (a == leader ? " (leader)" : "") + " for " + step.holdMillis()
                        + " ms (nothing read or connected, all delivered late at the heal)";
                    for (int i = 1; i <= n; i++) {
                        if (i != a) {
                            target.stallLink(a, i);
                        }
                    }
                }
                heal = target::healNetwork;
            }
            case SLOW -> {
                int victim = leader != 0 && rnd.nextBoolean() ? leader : 1 + rnd.nextInt(n);
                long delay = 20 + rnd.nextLong(180);
                what = "delay every byte to and from node " + victim + (victim == leader ? " (leader)" : "") + " by " + delay + " ms";
                target.slow(victim, delay);
                heal = target::healNetwork;
            }
            case RESTART_ALL -> {
                what = "kill -9 all nodes, start them all after " + step.holdMillis() + " ms";
                for (int i = 1; i <= n; i++) {
                    target.kill(i);
                }
                heal = () -> {
                    for (int i = 1; i <= n; i++) {
                        target.start(i);
                    }
                };
            }
            default -> throw new IllegalStateException("unhandled nemesis " + step.nemesis());
        }
        history.inject(new History.Injection(t0, -1, step.nemesis().label, what));
        completed = Await.pauseUntil(t0 + holdNanos);
        heal.run();
        finish(t0);
        return completed;
    }

    private void finish(long t0) {
        history.closeInjection(t0, System.nanoTime());
    }

    private boolean flap(int victim, long holdNanos, SplittableRandom rnd) {
        long end = System.nanoTime() + holdNanos;
        Set<Integer> rest = new HashSet<>();
        for (int i = 1; i <= target.nodes(); i++) {
            if (i != victim) {
                rest.add(i);
            }
        }
        boolean cut = false;
        while (System.nanoTime() < end) {
            if (cut) {
                target.healNetwork();
            } else {
                target.partition(List.of(Set.of(victim), rest));
            }
            cut = !cut;
            long next = Math.min(end, System.nanoTime() + (100 + rnd.nextLong(600)) * 1_000_000L);
            if (!Await.pauseUntil(next)) {
                return false;
            }
        }
        return true;
    }

    private static List<Integer> shuffled(int n, SplittableRandom rnd) {
        List<Integer> l = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            l.add(i);
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            Integer x = l.get(i);
            l.set(i, l.get(j));
            l.set(j, x);
        }
        return l;
    }

    private static String sorted(Set<Integer> s) {
        return new java.util.TreeSet<>(s).toString();
    }
}
