package io.raftlog.fault;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Availability from the status polls: at each instant of a fine grid, is there a leader that a majority
 * recognises (the leader says LEADER in term T, and a quorum of fresh answers, its own included, name it
 * as leader of T)? A deposed leader that has not noticed yet does not count, and neither does a node
 * whose last answer is older than {@link #FRESH_NANOS}. Time is attributed to the nemesis active at that
 * instant ("none" between injections), giving per nemesis the fraction with a leader and the longest
 * stretch without one. Also derives the leader timeline (who led when) for the report.
 */
final class Availability {
    static final long GRID_NANOS = 50_000_000L;
    static final long FRESH_NANOS = 1_000_000_000L;

    /** Per nemesis kind (or "none", or "all"): observed time, time with a leader, longest leaderless stretch. */
    record Figures(String kind, long observedNanos, long withLeaderNanos, long longestWithoutNanos) {
        double fraction() {
            return observedNanos == 0 ? 1.0 : (double) withLeaderNanos / observedNanos;
        }
    }

    /** Node {@code leader} (0 for none) led in {@code term} from {@code fromNanos} to {@code toNanos}. */
    record Reign(long fromNanos, long toNanos, int leader, long term) {
    }

    private final Map<String, Figures> figures = new LinkedHashMap<>();
    private final List<Reign> timeline = new ArrayList<>();

    Availability(History history, int nodes, long fromNanos, long toNanos) {
        int quorum = nodes / 2 + 1;
        List<History.Observation> obs = new ArrayList<>(history.observations());
        obs.sort((a, b) -> Long.compare(a.nanos(), b.nanos()));
        List<History.Injection> injections = history.injections();
        Map<Integer, History.Observation> latest = new HashMap<>();
        Map<String, long[]> acc = new TreeMap<>(); // observed, with, longestWithout, currentWithout
        int next = 0;
        Reign current = null;
        for (long t = fromNanos; t < toNanos; t += GRID_NANOS) {
            while (next < obs.size() && obs.get(next).nanos() <= t) {
                History.Observation o = obs.get(next++);
                latest.put(o.node(), o);
            }
            long[] leader = recognisedLeader(latest, quorum, t);
            int who = (int) leader[0];
            long term = leader[1];
            if (current == null || current.leader() != who || current.term() != term) {
                if (current != null) {
                    timeline.add(new Reign(current.fromNanos(), t, current.leader(), current.term()));
                }
                current = new Reign(t, -1, who, term);
            }
            long step = Math.min(GRID_NANOS, toNanos - t);
            for (String kind : List.of(activeKind(injections, t), "all")) {
                long[] a = acc.computeIfAbsent(kind, k -> new long[4]);
                a[0] += step;
                if (who != 0) {
                    a[1] += step;
                    a[3] = 0;
                } else {
                    a[3] += step;
                    a[2] = Math.max(a[2], a[3]);
                }
            }
        }
        if (current != null) {
            timeline.add(new Reign(current.fromNanos(), toNanos, current.leader(), current.term()));
        }
        acc.forEach((k, a) -> figures.put(k, new Figures(k, a[0], a[1], a[2])));
    }

    /** {leader, term} of the leader a quorum of fresh answers recognises at t, or {0, 0}. */
    static long[] recognisedLeader(Map<Integer, History.Observation> latest, int quorum, long t) {
        for (History.Observation l : latest.values()) {
            if (!l.isLeader() || t - l.nanos() > FRESH_NANOS) {
                continue;
            }
            int votes = 0;
            for (History.Observation o : latest.values()) {
                if (o.reachable() && t - o.nanos() <= FRESH_NANOS && o.term() == l.term() && o.leaderId() == l.node()) {
                    votes++;
                }
            }
            if (votes >= quorum) {
                return new long[] {l.node(), l.term()};
            }
        }
        return new long[] {0, 0};
    }

    /** The kind of the injection active at t; overlapping ones (not produced by the schedule) join with '+'. */
    static String activeKind(List<History.Injection> injections, long t) {
        String kind = null;
        for (History.Injection i : injections) {
            if (i.startNanos() <= t && (i.endNanos() < 0 || t < i.endNanos())) {
                kind = kind == null ? i.kind() : kind + "+" + i.kind();
            }
        }
        return kind == null ? "none" : kind;
    }

    Map<String, Figures> figures() {
        return figures;
    }

    List<Reign> timeline() {
        return timeline;
    }
}
