package io.raftlog.fault;

import io.raftlog.fault.LatencyFigures.Accumulator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How long after an acknowledgement each consumer was handed the entry: for every acknowledged append and every
 * consumer, the consumer's hand-over time minus the ack's completion time. A consumer may be handed an entry
 * before the producer hears its ack (the ack travels its own way); that counts as 0, not as a negative delay.
 * Each delay goes to the nemesis active when the ack completed ({@link Availability#activeKind}) and to "all".
 * An ack a consumer never got (a skip over a compacted range, a tail that failed or stopped early) has no delay:
 * it is counted as not delivered instead. Informational only: no check reads these figures.
 */
final class ConsumerDelay {

    private final Map<String, LatencyFigures> byKind = new LinkedHashMap<>();
    private final Map<Integer, LatencyFigures> byConsumer = new LinkedHashMap<>();

    ConsumerDelay(History history) {
        // One index -> hand-over time map per consumer, so each ack is a lookup, not a scan of what was seen.
        Map<Integer, Map<Long, Long>> handedAt = new TreeMap<>();
        history.seenByConsumer().forEach((consumer, seen) -> {
            Map<Long, Long> at = new HashMap<>(seen.size() * 2);
            // A duplicate hand-over is the checker's business; the first one is when the entry arrived.
            seen.forEach(s -> at.putIfAbsent(s.index(), s.nanos()));
            handedAt.put(consumer, at);
        });
        List<History.Injection> injections = history.injections();
        Map<String, Accumulator> kinds = new TreeMap<>();
        Map<Integer, Accumulator> consumers = new TreeMap<>();
        handedAt.keySet().forEach(c -> consumers.put(c, new Accumulator()));
        for (History.Op op : history.ops()) {
            if (op.outcome != History.Outcome.OK) {
                continue;
            }
            Accumulator kind = kinds.computeIfAbsent(Availability.activeKind(injections, op.completeNanos), k -> new Accumulator());
            Accumulator all = kinds.computeIfAbsent("all", k -> new Accumulator());
            for (Map.Entry<Integer, Map<Long, Long>> c : handedAt.entrySet()) {
                Long at = c.getValue().get(op.index);
                for (Accumulator d : List.of(kind, all, consumers.get(c.getKey()))) {
                    if (at == null) {
                        d.miss();
                    } else {
                        d.add(Math.max(0, at - op.completeNanos));
                    }
                }
            }
        }
        kinds.forEach((k, d) -> byKind.put(k, d.figures(k)));
        consumers.forEach((c, d) -> byConsumer.put(c, d.figures("consumer " + c)));
    }

    /**
     * Per nemesis kind active at the ack, "none" between injections, and "all"; sorted by name. A figure's
     * {@code missing} counts the (ack, consumer) pairs never delivered.
     */
    Map<String, LatencyFigures> byKind() {
        return byKind;
    }

    /** Per consumer over the whole run, so one that fell behind or stopped early stands out. */
    Map<Integer, LatencyFigures> byConsumer() {
        return byConsumer;
    }
}
