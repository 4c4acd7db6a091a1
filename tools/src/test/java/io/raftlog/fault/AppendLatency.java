package io.raftlog.fault;

import io.raftlog.fault.LatencyFigures.Accumulator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How long each append took from its invoke to its acknowledgement, as the producer saw it: completion minus
 * invoke time of every OK op. Each latency goes to the nemesis active when the append was invoked
 * ({@link Availability#activeKind}), so an append that a fault held up counts for that fault even if its ack
 * came after the heal, and to "all". An op that did not end OK (the client gave up, or it was still outstanding)
 * has no latency: it is counted as not ok for the kind active at its invoke. Informational only: no check reads
 * these figures.
 */
final class AppendLatency {
    private final Map<String, LatencyFigures> byKind = new LinkedHashMap<>();

    AppendLatency(History history) {
        List<History.Injection> injections = history.injections();
        Map<String, Accumulator> kinds = new TreeMap<>();
        for (History.Op op : history.ops()) {
            // ok() sets completeNanos before outcome, so an OK outcome comes with its completion time.
            boolean ok = op.outcome == History.Outcome.OK;
            String active = Availability.activeKind(injections, op.invokeNanos);
            for (String kind : List.of(active, "all")) {
                Accumulator a = kinds.computeIfAbsent(kind, k -> new Accumulator());
                if (ok) {
                    a.add(op.completeNanos - op.invokeNanos);
                } else {
                    a.miss();
                }
            }
        }
        kinds.forEach((k, a) -> byKind.put(k, a.figures(k)));
    }

    /**
     * Per nemesis kind active at the invoke, "none" between injections, and "all"; sorted by name. A figure's
     * {@code missing} counts the appends that did not end OK.
     */
    Map<String, LatencyFigures> byKind() {
        return byKind;
    }
}
