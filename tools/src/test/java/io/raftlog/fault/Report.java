package io.raftlog.fault;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a run as plain text: what was injected when, who led, what the clients saw, each check's verdict. */
final class Report {
    private Report() {
    }

    static String render(History h, List<Checker.Verdict> verdicts, Availability availability, long startNanos, long endNanos,
                         Path historyFile) {
        StringBuilder sb = new StringBuilder();
        boolean passed = Checker.allPassed(verdicts);
        sb.append("raftlog fault run: ").append(passed ? "PASS" : "FAIL").append('\n');
        sb.append("  history: ").append(historyFile).append('\n');
        sb.append("  re-check: mvn -B -pl tools verify -Dit.test=FaultSuiteIT -Dfault.replay=").append(historyFile).append('\n');
        sb.append("  re-run:   mvn -B -pl tools verify -Dit.test=FaultSuiteIT -Dfault.seed=").append(h.meta.getOrDefault("seed", "?"))
            .append(" -Dfault.duration=").append(h.metaLong("duration.ms", 0) / 1000).append("s -Dfault.nodes=")
            .append(h.meta.getOrDefault("nodes", "3")).append(" -Dfault.fsync=").append(h.meta.getOrDefault("fsync", "batch"))
            .append(h.meta.getOrDefault("opening", "").isEmpty() ? "" : " -Dfault.opening=" + h.meta.get("opening"))
            .append(h.meta.containsKey("retention") ? " -Dfault.retention=" + h.meta.get("retention") : "").append('\n');
        h.meta.entrySet().stream().sorted(Map.Entry.comparingByKey())
            .forEach(e -> sb.append("  ").append(e.getKey()).append(" = ").append(e.getValue()).append('\n'));

        sb.append("\nInjections (seconds since the workload started):\n");
        for (History.Injection i : h.injections()) {
            sb.append(String.format(Locale.ROOT, "  %7.2f - %7s  %-15s %s%n", sec(i.startNanos() - startNanos),
                i.endNanos() < 0 ? "open" : String.format(Locale.ROOT, "%7.2f", sec(i.endNanos() - startNanos)), i.kind(), i.description()));
        }

        sb.append("\nLeader timeline (leader recognised by a majority of status answers):\n");
        for (Availability.Reign r : availability.timeline()) {
            sb.append(String.format(Locale.ROOT, "  %7.2f - %7.2f  %s%n", sec(r.fromNanos() - startNanos), sec(r.toNanos() - startNanos),
                r.leader() == 0 ? "no leader" : "node " + r.leader() + " (term " + r.term() + ")"));
        }

        sb.append("\nNew leader after losing one (leader-targeted injections):\n");
        List<Long> tookMillis = new java.util.ArrayList<>();
        for (History.Injection i : h.injections()) {
            // Faults that take the leader away; a slowed leader or one that cannot receive may well keep leading.
            if (!i.description().contains("(leader)") || i.kind().equals(Nemesis.SLOW.label)
                || i.description().contains("cannot receive")) {
                continue;
            }
            long before = termAt(availability, i.startNanos());
            String took = "no new leader before the run ended";
            for (Availability.Reign r : availability.timeline()) {
                if (r.fromNanos() >= i.startNanos() && r.leader() != 0 && r.term() > before) {
                    took = String.format(Locale.ROOT, "%d ms (node %d, term %d)", (r.fromNanos() - i.startNanos()) / 1_000_000, r.leader(), r.term());
                    tookMillis.add((r.fromNanos() - i.startNanos()) / 1_000_000);
                    break;
                }
            }
            sb.append(String.format(Locale.ROOT, "  %7.2f  %-15s %s%n", sec(i.startNanos() - startNanos), i.kind(), took));
        }

        if (!tookMillis.isEmpty()) {
            tookMillis.sort(null);
            sb.append(String.format(Locale.ROOT, "  %d cases: median %d ms, max %d ms (status polled every 100 ms)%n",
                tookMillis.size(), tookMillis.get(tookMillis.size() / 2), tookMillis.get(tookMillis.size() - 1)));
        }

        sb.append("\nAvailability per nemesis (share of time with a recognised leader; longest stretch without):\n");
        for (Availability.Figures f : availability.figures().values()) {
            sb.append(String.format(Locale.ROOT, "  %-16s %7.1f s observed  %5.1f %% with leader  longest without %6d ms%n",
                f.kind(), sec(f.observedNanos()), 100 * f.fraction(), f.longestWithoutNanos() / 1_000_000));
        }

        ConsumerDelay delay = new ConsumerDelay(h);
        sb.append("\nConsumer delay after an acknowledgement (per nemesis active at the ack; how long until each consumer was handed the entry):\n");
        delay.byKind().values().forEach(f -> sb.append(latencyLine(f, "delays", "not delivered")));
        delay.byConsumer().values().forEach(f -> sb.append(latencyLine(f, "delays", "not delivered")));

        sb.append("\nAppend latency, invoke to acknowledgement (per nemesis active at the invoke; not ok: failed or unknown):\n");
        new AppendLatency(h).byKind().values().forEach(f -> sb.append(latencyLine(f, "ok", "not ok")));

        long ok = h.ops().stream().filter(o -> o.outcome == History.Outcome.OK).count();
        sb.append(String.format(Locale.ROOT, "%nAppends: %d invoked, %d ok, %d unknown (not acknowledged: may have been appended)%n",
            h.ops().size(), ok, h.ops().size() - ok));
        h.seenByConsumer().forEach((c, s) -> sb.append("  consumer ").append(c).append(" saw ").append(s.size()).append(" entries\n"));
        for (History.Note n : h.notes()) {
            sb.append(String.format(Locale.ROOT, "  note %7.2f  %s%n", sec(n.nanos() - startNanos), n.text()));
        }

        sb.append(CompactionSummary.render(h));

        sb.append("\nChecks:\n");
        for (Checker.Verdict v : verdicts) {
            sb.append(String.format(Locale.ROOT, "  %-4s %-20s %s%s%n", v.passed() ? "ok" : "FAIL", v.check(), v.promise(),
                v.summary().isEmpty() ? "" : " [" + v.summary() + "]"));
            List<String> shown = v.violations().subList(0, Math.min(Checker.SHOWN, v.violations().size()));
            for (String s : shown) {
                sb.append("         - ").append(s).append('\n');
            }
            if (v.violations().size() > shown.size()) {
                sb.append("         ... and ").append(v.violations().size() - shown.size()).append(" more\n");
            }
        }
        return sb.toString();
    }

    /** One latency row; {@code counted} names what the count counts, {@code missing} what the last column does. */
    private static String latencyLine(LatencyFigures f, String counted, String missing) {
        if (f.count() == 0) {
            return String.format(Locale.ROOT, "  %-16s %7d %-6s%51s  %d %s%n", f.kind(), 0, counted, "", f.missing(), missing);
        }
        return String.format(Locale.ROOT, "  %-16s %7d %-6s  p50 %8.1f ms  p99 %8.1f ms  max %8.1f ms  %d %s%n",
            f.kind(), f.count(), counted, ms(f.p50Nanos()), ms(f.p99Nanos()), ms(f.maxNanos()), f.missing(), missing);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static long termAt(Availability a, long t) {
        long term = 0;
        for (Availability.Reign r : a.timeline()) {
            if (r.fromNanos() <= t && r.leader() != 0) {
                term = Math.max(term, r.term());
            }
        }
        return term;
    }

    private static double sec(long nanos) {
        return nanos / 1e9;
    }
}
