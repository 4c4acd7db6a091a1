package io.raftlog.fault;

import java.util.Arrays;
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

    /**
     * Per nemesis kind (or "none", or "all"), or per consumer: how many delays, their p50, p99 and max (nearest
     * rank; all 0 when there are none), and how many (ack, consumer) pairs were never delivered.
     */
    record Figures(String kind, int count, long p50Nanos, long p99Nanos, long maxNanos, int notDelivered) {
    }

    private final Map<String, Figures> byKind = new LinkedHashMap<>();
    private final Map<Integer, Figures> byConsumer = new LinkedHashMap<>();

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
        Map<String, Delays> kinds = new TreeMap<>();
        Map<Integer, Delays> consumers = new TreeMap<>();
        handedAt.keySet().forEach(c -> consumers.put(c, new Delays()));
        for (History.Op op : history.ops()) {
            if (op.outcome != History.Outcome.OK) {
                continue;
            }
            Delays kind = kinds.computeIfAbsent(Availability.activeKind(injections, op.completeNanos), k -> new Delays());
            Delays all = kinds.computeIfAbsent("all", k -> new Delays());
            for (Map.Entry<Integer, Map<Long, Long>> c : handedAt.entrySet()) {
                Long at = c.getValue().get(op.index);
                for (Delays d : List.of(kind, all, consumers.get(c.getKey()))) {
                    if (at == null) {
                        d.notDelivered++;
                    } else {
                        d.add(Math.max(0, at - op.completeNanos));
                    }
                }
            }
        }
        kinds.forEach((k, d) -> byKind.put(k, d.figures(k)));
        consumers.forEach((c, d) -> byConsumer.put(c, d.figures("consumer " + c)));
    }

    /** Per nemesis kind active at the ack, "none" between injections, and "all"; sorted by name. */
    Map<String, Figures> byKind() {
        return byKind;
    }

    /** Per consumer over the whole run, so one that fell behind or stopped early stands out. */
    Map<Integer, Figures> byConsumer() {
        return byConsumer;
    }

    /** Nearest rank: the smallest value with at least {@code percent} % of the values at or below it. */
    static long percentile(long[] sorted, int percent) {
        int rank = (int) (((long) percent * sorted.length + 99) / 100);
        return sorted[Math.max(0, rank - 1)];
    }

    /** Delays as a growable primitive array: a run's ~100k acks times three consumers would box badly. */
    private static final class Delays {
        private long[] values = new long[64];
        private int size;
        private int notDelivered;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        Figures figures(String kind) {
            if (size == 0) {
                return new Figures(kind, 0, 0, 0, 0, notDelivered);
            }
            long[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            return new Figures(kind, size, percentile(sorted, 50), percentile(sorted, 99), sorted[size - 1], notDelivered);
        }
    }
}
