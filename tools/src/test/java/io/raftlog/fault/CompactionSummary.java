package io.raftlog.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report's section on retention: per node what its server logged dropping and the snapshots it installed,
 * where its journal started at the end, and what the consumers were told was dropped. It makes a run with
 * retention on in which nothing was compacted, or no snapshot was installed, visible at a glance.
 */
final class CompactionSummary {
    private CompactionSummary() {
    }

    static String render(History h) {
        StringBuilder sb = new StringBuilder();
        String retention = h.meta.get("retention");
        if (retention == null) {
            return sb.append("\nRetention: off\n").toString();
        }
        sb.append("\nRetention ").append(retention).append(" (one-second journal files), from the servers' logs:\n");
        if (!"node-logs".equals(h.meta.get("compactions.source"))) {
            sb.append("  the servers' logs were not read: ").append(h.meta.getOrDefault("compactions.problem", "no reason recorded")).append('\n');
        }
        Map<Integer, List<History.Compaction>> byNode = new TreeMap<>();
        h.compactions().forEach(c -> byNode.computeIfAbsent(c.node(), n -> new ArrayList<>()).add(c));
        h.logs().keySet().forEach(n -> byNode.computeIfAbsent(n, x -> new ArrayList<>()));
        int installs = 0;
        Map<Integer, Long> sentBy = new TreeMap<>();
        h.snapshotsSent().forEach(x -> sentBy.merge(x.node(), 1L, Long::sum));
        for (Map.Entry<Integer, List<History.Compaction>> e : byNode.entrySet()) {
            int drops = 0;
            long dropped = 0;
            List<Long> snapshots = new ArrayList<>();
            for (History.Compaction c : e.getValue()) {
                switch (c.kind()) {
                    case RETENTION -> {
                        drops++;
                        dropped += c.through() - c.from() + 1;
                    }
                    case SNAPSHOT -> snapshots.add(c.through());
                    case START -> { }
                }
            }
            installs += snapshots.size();
            History.NodeLog log = h.logs().get(e.getKey());
            sb.append(String.format(Locale.ROOT, "  node %d: retention dropped %d entries in %d drops; %d snapshots installed%s; "
                    + "%d sent; journal at the end starts at %s%n", e.getKey(), dropped, drops, snapshots.size(),
                snapshots.isEmpty() ? "" : " (through " + snapshots + ")", sentBy.getOrDefault(e.getKey(), 0L),
                log == null ? "?" : Long.toString(log.firstIndex())));
        }
        sb.append("  snapshots installed: ").append(installs).append(installs == 0 ? " (retention caused no snapshot in this run)" : "")
            .append("; snapshots sent: ").append(h.snapshotsSent().size()).append(" (a leader logs one per follower and index,"
                + " however often it repeats it)\n");
        h.skipsByConsumer().forEach((consumer, skips) -> {
            long entries = skips.stream().mapToLong(k -> k.toIndex() - k.fromIndex() + 1).sum();
            sb.append("  consumer ").append(consumer).append(" was told ").append(entries).append(" entries were dropped before it read them: ");
            skips.forEach(k -> sb.append(k.fromIndex()).append("..").append(k.toIndex()).append(' '));
            sb.append('\n');
        });
        return sb.toString();
    }
}
