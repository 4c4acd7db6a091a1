package io.raftlog.fault;

import io.raftlog.raft.EntryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Judges a finished run's {@link History} against what a replicated log promises. Each check is
 * independent and reports every violation it finds (the report prints the first few), so a history that
 * breaks several promises shows all of them.
 *
 * <p>The reference log is the log of the node with the highest commit index, cut at that index; the
 * checks that compare nodes make sure every other node agrees with it.
 */
final class Checker {
    static final int SHOWN = 10;

    /** The verdict of one check. */
    record Verdict(String check, String promise, List<String> violations, String summary) {
        boolean passed() {
            return violations.isEmpty();
        }
    }

    private final History history;
    private final TreeMap<Long, History.Entry> reference = new TreeMap<>();
    private final long referenceCommit;
    private final int referenceNode;
    /** The run had retention on: nodes may start past index 1, and entries may be gone from every node. */
    private final boolean retention;
    /** The first acknowledged append at each index, in index order (a second one at an index fails acked-present). */
    private final TreeMap<Long, History.Op> firstAckedAt = new TreeMap<>();
    /** How much younger than the retention a skipped append may look: wall clock against System.nanoTime. */
    static final long SKIP_CLOCK_MARGIN_NANOS = 500_000_000L;
    /** The lowest index any final log holds (commit + 1 if none holds anything): below it, no node has an entry. */
    private final long lowestHeld;
    /**
     * Under retention, what the consumers were handed at indexes below {@link #lowestHeld} (compacted on every
     * node before the run ended): the only witness left of those entries, index to the keys seen there.
     */
    private final TreeMap<Long, Set<String>> compactedSeen = new TreeMap<>();

    Checker(History history) {
        this.history = history;
        // Committed stays committed: the highest commit index anyone ever saw bounds the log every node
        // must agree on, even if the cluster failed to converge at the end (restarted nodes report 0).
        long best = -1;
        int node = -1;
        for (History.NodeLog log : history.logs().values()) {
            if (log.commitIndex() > best) {
                best = log.commitIndex();
                node = log.node();
            }
        }
        // An acknowledgement and an entry handed to a consumer are reports of a commit as well.
        for (History.Observation o : history.observations()) {
            if (o.reachable() && o.commitIndex() > best) {
                best = o.commitIndex();
            }
        }
        for (History.Op op : history.ops()) {
            if (op.outcome == History.Outcome.OK && op.index > best) {
                best = op.index;
            }
        }
        for (List<History.Seen> seen : history.seenByConsumer().values()) {
            for (History.Seen s : seen) {
                if (s.index() > best) {
                    best = s.index();
                }
            }
        }
        this.referenceCommit = best;
        this.referenceNode = node;
        // The reference entry at each committed index comes from the node with the highest commit index
        // that holds it; nodes-agree then reports any node that holds something else.
        List<History.NodeLog> byCommit = new ArrayList<>(history.logs().values());
        byCommit.sort(Comparator.comparingLong(History.NodeLog::commitIndex).reversed());
        for (History.NodeLog log : byCommit) {
            for (History.Entry e : log.entries()) {
                if (e.index() <= best) {
                    reference.putIfAbsent(e.index(), e);
                }
            }
        }
        this.retention = history.meta.containsKey("retention");
        history.ops().stream().filter(o -> o.outcome == History.Outcome.OK).forEach(o -> firstAckedAt.putIfAbsent(o.index, o));
        this.lowestHeld = reference.isEmpty() ? best + 1 : reference.firstKey();
        if (retention) {
            for (List<History.Seen> seen : history.seenByConsumer().values()) {
                for (History.Seen s : seen) {
                    if (s.index() < lowestHeld) {
                        compactedSeen.computeIfAbsent(s.index(), i -> new TreeSet<>()).add(s.key());
                    }
                }
            }
        }
    }

    /** An index whose entry is on no node any more, legitimately: only under retention. */
    private boolean compactedEverywhere(long index) {
        return retention && index < lowestHeld;
    }

    /**
     * Every data entry known to have been committed, index to key: the final logs', and under retention also
     * those compacted on every node that a consumer was handed or an acknowledgement placed (with several keys
     * at one index, the first: the checks that compare them report the others).
     */
    private TreeMap<Long, String> knownData() {
        TreeMap<Long, String> known = new TreeMap<>();
        for (History.Entry e : reference.values()) {
            if (e.type() == EntryType.DATA) {
                String key = Payloads.decode(e.bytes());
                known.put(e.index(), key == null ? "<undecodable>" : key);
            }
        }
        compactedSeen.forEach((index, keys) -> known.put(index, keys.iterator().next()));
        for (History.Op op : history.ops()) {
            if (op.outcome == History.Outcome.OK && compactedEverywhere(op.index)) {
                known.putIfAbsent(op.index, op.key);
            }
        }
        return known;
    }

    /** Whether consumer {@code consumer} was told that {@code index} was dropped on every node. */
    private static boolean skippedBy(List<History.Skip> skips, long index) {
        return skips.stream().anyMatch(k -> k.fromIndex() <= index && index <= k.toIndex());
    }

    List<Verdict> checkAll() {
        List<Verdict> out = new ArrayList<>();
        out.add(writesProgressed());
        out.add(finalLogsPresent());
        out.add(referenceContiguous());
        out.add(termsNeverDecrease());
        out.add(ackedAtTheirIndex());
        out.add(noDuplicates());
        out.add(noPhantoms());
        out.add(realTimeOrder());
        out.add(nodesAgree());
        out.add(consumersSawPrefix());
        out.add(consumersCaughtUp());
        out.add(oneLeaderPerTerm());
        out.add(settled());
        return out;
    }

    static boolean allPassed(List<Verdict> verdicts) {
        return verdicts.stream().allMatch(Verdict::passed);
    }

    long referenceCommit() {
        return referenceCommit;
    }

    /**
     * Data entries of the committed log by key (a key may occur several times: that is a violation): the
     * reference log's, and under retention those compacted on every node that a consumer was handed or an
     * acknowledgement placed.
     */
    private Map<String, List<Long>> referenceKeys() {
        Map<String, List<Long>> keys = new HashMap<>();
        for (History.Entry e : reference.values()) {
            if (e.type() == EntryType.DATA) {
                String key = Payloads.decode(e.bytes());
                keys.computeIfAbsent(key == null ? "<undecodable>" : key, k -> new ArrayList<>()).add(e.index());
            }
        }
        Map<Long, Set<String>> compacted = new TreeMap<>(compactedSeen);
        for (History.Op op : history.ops()) {
            if (op.outcome == History.Outcome.OK && compactedEverywhere(op.index)) {
                compacted.computeIfAbsent(op.index, i -> new TreeSet<>()).add(op.key);
            }
        }
        compacted.forEach((index, ks) -> ks.forEach(k -> keys.computeIfAbsent(k, x -> new ArrayList<>()).add(index)));
        return keys;
    }

    /**
     * The workload really ran: at least {@code acks.min} appends acknowledged over the run, and at least
     * {@code acks.min.after.heal} of those invoked after the last fault was healed (the cluster took writes
     * again). Without this, an idle or broken workload would pass every other check on an empty history.
     */
    Verdict writesProgressed() {
        List<History.Op> acked = history.ops().stream().filter(o -> o.outcome == History.Outcome.OK).toList();
        long min = history.metaLong("acks.min", 1);
        long minAfterHeal = history.metaLong("acks.min.after.heal", 1);
        List<String> v = new ArrayList<>();
        if (acked.size() < min) {
            v.add("only " + acked.size() + " of " + history.ops().size() + " appends were acknowledged; at least " + min
                + " were expected");
        }
        String healed = history.meta.get("t.healed");
        long afterHeal = 0;
        if (healed == null) {
            v.add("no heal time recorded: whether the cluster took writes after the faults is unknown");
        } else {
            long t = Long.parseLong(healed);
            afterHeal = acked.stream().filter(o -> o.invokeNanos >= t).count();
            if (afterHeal < minAfterHeal) {
                v.add("only " + afterHeal + " appends invoked after the last fault was healed were acknowledged; at least "
                    + minAfterHeal + " were expected: the cluster did not recover for writes");
            }
        }
        return new Verdict("writes-progressed", "appends were acknowledged during the run and again after the last fault was healed",
            v, acked.size() + " acknowledged (at least " + min + " expected), " + afterHeal + " of them invoked after healing (at least "
                + minAfterHeal + ")");
    }

    private boolean logsFromJournals() {
        return "journal".equals(history.meta.get("logs.source"));
    }

    Verdict finalLogsPresent() {
        List<String> v = new ArrayList<>();
        int nodes = (int) history.metaLong("nodes", history.logs().size());
        if (history.logs().size() < nodes) {
            v.add("final logs of only " + history.logs().size() + " of " + nodes + " nodes were collected");
        }
        if (!logsFromJournals()) {
            v.add("the final logs were not read from the journals (source: " + history.meta.getOrDefault("logs.source", "none")
                + "; " + history.meta.getOrDefault("logs.problem", "no reason recorded") + ")");
        }
        if (referenceCommit < 0) {
            v.add("no node reported a commit index");
        }
        return new Verdict("final-logs", "every node's final log was read from its journal", v,
            history.logs().size() + " logs, reference node " + referenceNode + " commit index " + referenceCommit);
    }

    /**
     * The committed log has an entry at every index up to the commit index: from 1 without retention (and every
     * node's log starts at 1), from the lowest index any node holds with it. Under retention each node's log must
     * also be gap-free from its own first index, must not start past the highest commit index (only committed
     * entries are compacted), and must start exactly where its server's log lines put it (its last retention
     * drop, snapshot install or start), so a prefix lost without a compaction still fails.
     */
    Verdict referenceContiguous() {
        String promise = "the committed log has an entry at every index up to the commit index"
            + (retention ? ", from the lowest index any node holds; each node's log is gap-free from the first index its server logged" : "");
        List<String> v = new ArrayList<>();
        if (!logsFromJournals()) {
            // Logs read through the client lack the no-op entries: holes cannot be told from no-ops.
            v.add("not checked: the final logs were not read from the journals, and the client skips no-op entries");
            return new Verdict("log-contiguous", promise, v, "");
        }
        for (History.NodeLog log : history.logs().values()) {
            if (!retention && log.firstIndex() != 1) {
                v.add("node " + log.node() + "'s log starts at " + log.firstIndex() + " in a run without retention");
            }
            if (retention) {
                nodeLogContiguous(log, v);
            }
        }
        long expect = retention ? lowestHeld : 1;
        for (long idx : reference.keySet()) {
            if (idx != expect) {
                v.add("committed index " + expect + " is on no node (next present is " + idx + ")");
                expect = idx;
            }
            expect++;
        }
        // Under retention a node idle long enough drops even its last entries (the drop's marker starts a new
        // file), so every log may end up empty past a compacted prefix: that prefix is what it held.
        long heldThrough = reference.isEmpty() ? (retention ? lowestHeld - 1 : 0) : reference.lastKey();
        if (heldThrough < referenceCommit) {
            v.add("commit index " + referenceCommit + " was reported, but no node holds entries after "
                + (reference.isEmpty() ? "none" : reference.lastKey()));
        }
        return new Verdict("log-contiguous", promise, v, reference.size() + " committed entries"
            + (retention ? " from index " + lowestHeld + "; first indexes " + firstIndexes() : ""));
    }

    /** A node's own log under retention: starts where its server said, never past the commit index, no holes. */
    private void nodeLogContiguous(History.NodeLog log, List<String> v) {
        int node = log.node();
        if (log.firstIndex() - 1 > referenceCommit) {
            v.add("node " + node + " dropped its log up to index " + (log.firstIndex() - 1) + ", past the highest commit index "
                + referenceCommit + ": only committed entries may be compacted");
        }
        if (!"node-logs".equals(history.meta.get("compactions.source"))) {
            v.add("node " + node + "'s log starts at " + log.firstIndex() + ", which cannot be checked: the servers' compaction lines were not read ("
                + history.meta.getOrDefault("compactions.problem", "no reason recorded") + ")");
        } else {
            // Every start logs the first index, and every drop after it is logged: the last line says where it starts.
            History.Compaction last = null;
            for (History.Compaction c : history.compactions()) {
                if (c.node() == node) {
                    last = c;
                }
            }
            firstIndexChain(node, v);
            long logged = last == null ? 1 : last.firstIndexAfter();
            if (logged != log.firstIndex()) {
                v.add("node " + node + "'s journal starts at " + log.firstIndex() + ", but its server's log puts its first index at "
                    + logged + (last == null ? " (it logged no start)" : " (last: " + last + ")"));
            }
        }
        long expect = log.firstIndex();
        for (History.Entry e : log.entries()) {
            if (e.index() != expect) {
                v.add("node " + node + "'s log starts at " + log.firstIndex() + " but has no entry at " + expect
                    + " (next present is " + e.index() + ")");
                return;
            }
            expect++;
        }
    }

    /**
     * A node's lines in order, as a chain: its first start at 1; each drop or snapshot from where its log then
     * started; each later start where the last line left it, or where the line before left it, since a drop and a
     * snapshot are logged before they are durable and a kill may undo them. A start anywhere else lost (or made
     * up) a prefix; taking the last start line at its word let a prefix lost at a restart pass (found in review).
     */
    private void firstIndexChain(int node, List<String> v) {
        long first = 1;
        long undone = -1; // the first index before the last drop or snapshot, while a kill may have undone it
        for (History.Compaction c : history.compactions()) {
            if (c.node() != node) {
                continue;
            }
            if (c.kind() == History.Compaction.Kind.START) {
                if (c.from() != first && c.from() != undone) {
                    v.add("node " + node + " started with its log at " + c.from() + ", but its lines before put it at " + first
                        + (undone >= 0 ? " (or " + undone + ", had the last drop not become durable)" : "") + ": a prefix lost or made up at a restart");
                }
                first = c.from();
                undone = -1;
            } else {
                // From where the log then started, or from where it started before the last change, which a kill
                // undid and the start's replay of the tail files applies again (a snapshot logs again at open).
                if (c.from() != first && c.from() != undone) {
                    v.add("node " + node + " logged " + c + " while its log started at " + first);
                }
                undone = c.from();
                first = c.firstIndexAfter();
            }
        }
    }

    private String firstIndexes() {
        StringBuilder sb = new StringBuilder();
        history.logs().values().forEach(l -> sb.append(sb.length() == 0 ? "" : ", ").append("node ").append(l.node()).append(": ")
            .append(l.firstIndex()));
        return sb.toString();
    }

    /**
     * Along every node's log the terms never decrease: an entry is appended in its leader's term, and a
     * leader's term is above every earlier one. Checked on the whole log each node holds, committed or not.
     */
    Verdict termsNeverDecrease() {
        List<String> v = new ArrayList<>();
        if (!logsFromJournals()) {
            v.add("not checked: the final logs were not read from the journals, and the client hands out no terms");
            return new Verdict("terms-monotonic", "terms never decrease along a node's log", v, "");
        }
        long entries = 0;
        for (History.NodeLog log : history.logs().values()) {
            History.Entry prev = null;
            for (History.Entry e : log.entries().stream().sorted(Comparator.comparingLong(History.Entry::index)).toList()) {
                entries++;
                if (prev != null && e.term() < prev.term()) {
                    v.add("node " + log.node() + ": index " + e.index() + " has term " + e.term() + ", below term " + prev.term()
                        + " of index " + prev.index());
                }
                prev = e;
            }
        }
        return new Verdict("terms-monotonic", "terms never decrease along a node's log", v, entries + " entries on "
            + history.logs().size() + " nodes");
    }

    /**
     * Every acknowledged append is in the final log at its index, byte for byte. Under retention an index below
     * every node's first index has no entry left to compare: the append then passes only if a consumer was
     * handed exactly its key at that index (witnessed), or, unwitnessed, if every consumer was told that index
     * was dropped on every node (so none could read it; consumers-prefix checks that a server logged the drop).
     * A consumer handed something else there, or one that passed the index without either, fails it.
     */
    Verdict ackedAtTheirIndex() {
        List<String> v = new ArrayList<>();
        int acked = 0;
        int witnessed = 0;
        int unwitnessed = 0;
        Map<Integer, List<History.Skip>> skips = history.skipsByConsumer();
        // Two appends acknowledged at one index: one of them is lost, wherever that index is now (below every
        // node's first index neither may be left to compare, so this is checked on its own; found in review).
        for (History.Op op : history.ops()) {
            if (op.outcome != History.Outcome.OK) {
                continue;
            }
            acked++;
            History.Op other = firstAckedAt.get(op.index);
            if (other != op && !other.key.equals(op.key)) {
                v.add(op + " and " + other + " were both acknowledged at index " + op.index);
            }
            if (compactedEverywhere(op.index)) {
                Set<String> seen = compactedSeen.getOrDefault(op.index, Set.of());
                if (seen.stream().anyMatch(k -> !k.equals(op.key))) {
                    v.add(op + " acknowledged at index " + op.index + ", compacted on every node, but consumers were handed " + seen + " there");
                } else if (!seen.isEmpty()) {
                    witnessed++;
                } else {
                    List<Integer> unaware = history.seenByConsumer().keySet().stream()
                        .filter(c -> !skippedBy(skips.getOrDefault(c, List.of()), op.index)).toList();
                    if (!unaware.isEmpty() || history.seenByConsumer().isEmpty()) {
                        v.add(op + " acknowledged at index " + op.index + " is on no node (all start past it) and no consumer was handed it, "
                            + "yet consumers " + unaware + " were never told it was dropped");
                    } else {
                        unwitnessed++;
                    }
                }
                continue;
            }
            History.Entry e = reference.get(op.index);
            String key = e == null || e.type() != EntryType.DATA ? null : Payloads.decode(e.bytes());
            boolean intact = key != null && Arrays.equals(e.bytes(), Payloads.encode(op.key, op.padding));
            if (!op.key.equals(key) || !intact) {
                v.add(op + " acknowledged at index " + op.index + " but the committed log holds "
                    + (e == null ? "nothing there" : key != null && !intact ? "its key with different bytes" : describe(e)));
            }
        }
        return new Verdict("acked-present", "every acknowledged append is in the final log at its acknowledged index"
            + (retention ? " (or, compacted on every node, was handed to a consumer there, or every consumer was told it was dropped)" : ""),
            v, acked + " acknowledged appends" + (retention ? ": " + (acked - witnessed - unwitnessed) + " checked in the final logs, "
                + witnessed + " compacted, witnessed by a consumer, " + unwitnessed + " compacted, unwitnessed" : ""));
    }

    Verdict noDuplicates() {
        List<String> v = new ArrayList<>();
        referenceKeys().forEach((key, idx) -> {
            if (idx.size() > 1) {
                v.add(key + " appears " + idx.size() + " times, at " + idx);
            }
        });
        v.sort(null);
        return new Verdict("no-duplicates", "no append (acknowledged or retried without acknowledgement) appears twice", v,
            "");
    }

    /**
     * Every committed data entry is byte for byte a payload some producer appended (acknowledged or not):
     * a cut or altered copy of an invoked append is a phantom too, even if it were to decode to its key.
     */
    Verdict noPhantoms() {
        Map<String, History.Op> invoked = new HashMap<>();
        for (History.Op op : history.ops()) {
            invoked.put(op.key, op);
        }
        List<String> v = new ArrayList<>();
        for (History.Entry e : reference.values()) {
            if (e.type() == EntryType.NOOP) {
                continue;
            }
            String key = e.type() == EntryType.DATA ? Payloads.decode(e.bytes()) : null;
            History.Op op = key == null ? null : invoked.get(key);
            if (op == null) {
                v.add("index " + e.index() + " holds " + describe(e) + ", which no producer appended");
            } else if (!Arrays.equals(e.bytes(), Payloads.encode(op.key, op.padding))) {
                v.add("index " + e.index() + " holds " + key + " with other bytes than " + op + " appended");
            }
        }
        // Compacted on every node: the consumers' copies are all that is left (a key stands for its exact bytes).
        compactedSeen.forEach((index, keys) -> keys.stream().filter(k -> !invoked.containsKey(k)).forEach(k ->
            v.add("index " + index + " (compacted on every node) was handed to a consumer as " + k + ", which no producer appended")));
        return new Verdict("no-phantoms", "no entry appears that was never appended", v, "");
    }

    /**
     * If A was acknowledged before B was invoked, A's index is below B's. A is an acknowledged append; B is
     * any append with an index: acknowledged, or unacknowledged but found in the final log (its index read
     * there), as an append the client gave up on may still have committed, and must then land after A too.
     * Sweeps the Bs in invocation order while folding in the acknowledgements that came before each.
     */
    Verdict realTimeOrder() {
        Map<String, List<Long>> inLog = referenceKeys();
        record Later(History.Op op, long index) {
        }
        List<History.Op> acked = new ArrayList<>();
        List<Later> later = new ArrayList<>();
        int unacked = 0;
        for (History.Op o : history.ops()) {
            if (o.outcome == History.Outcome.OK) {
                acked.add(o);
                later.add(new Later(o, o.index));
            } else if (inLog.containsKey(o.key)) {
                // Where it first committed (no-duplicates reports a second copy).
                later.add(new Later(o, inLog.get(o.key).stream().mapToLong(Long::longValue).min().orElseThrow()));
                unacked++;
            }
        }
        later.sort(Comparator.comparingLong(l -> l.op().invokeNanos));
        List<History.Op> byComplete = acked.stream().sorted(Comparator.comparingLong(o -> o.completeNanos)).toList();
        List<String> v = new ArrayList<>();
        History.Op maxDone = null;
        int j = 0;
        for (Later b : later) {
            while (j < byComplete.size() && byComplete.get(j).completeNanos < b.op().invokeNanos) {
                History.Op a = byComplete.get(j++);
                if (maxDone == null || a.index > maxDone.index) {
                    maxDone = a;
                }
            }
            if (maxDone != null && maxDone.index >= b.index()) {
                v.add(maxDone + " was acknowledged " + micros(b.op().invokeNanos - maxDone.completeNanos)
                    + " before " + b.op() + (b.op().outcome == History.Outcome.OK ? "" : " (in the final log at " + b.index() + ")")
                    + " was invoked, yet its index is not lower");
            }
        }
        return new Verdict("real-time-order", "A acknowledged before B was invoked implies index(A) < index(B)", v,
            acked.size() + " acknowledged and " + unacked + " unacknowledged but committed appends compared");
    }

    Verdict nodesAgree() {
        List<String> v = new ArrayList<>();
        for (History.NodeLog log : history.logs().values()) {
            Map<Long, History.Entry> mine = new HashMap<>();
            for (History.Entry e : log.entries()) {
                mine.put(e.index(), e);
            }
            int differing = 0;
            for (History.Entry ref : reference.values()) {
                History.Entry e = mine.get(ref.index());
                if (e == null && retention && ref.index() < log.firstIndex()) {
                    continue; // compacted on this node (log-contiguous checks where it starts): compared on the overlap only
                }
                if (e == null) {
                    if (ref.index() <= log.commitIndex()) {
                        v.add("node " + log.node() + " reports commit index " + log.commitIndex() + " but has no entry at " + ref.index());
                    } else {
                        v.add("node " + log.node() + " lacks committed index " + ref.index() + " (its commit index is " + log.commitIndex() + ")");
                    }
                    break;
                }
                // The whole stored entry: a term or session header that differs is a different entry, even with
                // the same payload (the header rebuilds the client sessions exactly-once rests on).
                if (e.type() != ref.type() || e.term() != ref.term() || !Arrays.equals(e.header(), ref.header())
                    || !Arrays.equals(e.bytes(), ref.bytes())) {
                    if (differing++ < SHOWN) {
                        v.add("index " + ref.index() + ": the committed entry is " + describeStored(ref) + ", node "
                            + log.node() + " has " + describeStored(e));
                    }
                }
            }
        }
        return new Verdict("nodes-agree", "all nodes' logs are identical up to the commit index (term, type, session header, payload)"
            + (retention ? ", where they overlap" : ""), v,
            history.logs().size() + " nodes compared up to index " + referenceCommit + (retention ? ", each from its first index ("
                + firstIndexes() + ")" : ""));
    }

    /**
     * Every consumer was handed the committed log in order, each data entry once and as committed, with no gap
     * but where its tail reported one ({@link History.Skip}: the entries were dropped on every node before it
     * read them), and each such report is backed by a server that logged dropping that far. Under retention the
     * data entries compacted on every node that some consumer or acknowledgement places count too: a consumer
     * that passed one of those silently has a gap, and consumers handed different entries at one index disagree.
     */
    Verdict consumersSawPrefix() {
        TreeMap<Long, String> known = knownData();
        Map<Integer, List<History.Skip>> skips = history.skipsByConsumer();
        List<String> v = new ArrayList<>();
        compactedSeen.forEach((index, keys) -> {
            if (keys.size() > 1) {
                v.add("consumers were handed different entries at index " + index + " (compacted on every node): " + keys);
            }
        });
        StringBuilder summary = new StringBuilder();
        history.seenByConsumer().forEach((consumer, seen) -> {
            List<History.Skip> mine = skips.getOrDefault(consumer, List.of());
            summary.append(summary.length() == 0 ? "" : ", ").append("consumer ").append(consumer).append(": ").append(seen.size())
                .append(mine.isEmpty() ? "" : " (" + mine.size() + " reported skips)");
            mine.forEach(k -> skipExplained(k, v));
            long prev = 0;
            for (int i = 0; i < seen.size(); i++) {
                History.Seen s = seen.get(i);
                String at = "consumer " + consumer + " entry #" + (i + 1) + " is " + s.key() + "@" + s.index();
                if (s.index() <= prev) {
                    v.add(at + " (a repeat or step back after index " + prev + ")");
                    return;
                }
                if (skippedBy(mine, s.index())) {
                    v.add(at + ", an index its tail had reported dropped on every node");
                    return;
                }
                Map.Entry<Long, String> missed = known.subMap(prev, false, s.index(), false).entrySet().stream()
                    .filter(m -> !skippedBy(mine, m.getKey())).findFirst().orElse(null);
                if (missed != null) {
                    v.add(at + ", expected " + missed.getValue() + "@" + missed.getKey() + " (a gap no compaction was reported for)");
                    return;
                }
                History.Entry e = reference.get(s.index());
                if (e != null) {
                    String key = e.type() == EntryType.DATA ? Payloads.decode(e.bytes()) : null;
                    if (!s.key().equals(key)) {
                        v.add(at + ", expected " + (key != null ? key : describe(e)) + "@" + e.index() + " (a different entry)");
                        return;
                    }
                } else if (!compactedEverywhere(s.index())) {
                    v.add(at + ", but the committed log holds nothing there" + (reference.isEmpty() ? "" : " (it ends at " + reference.lastKey() + ")"));
                    return;
                }
                prev = s.index();
            }
        });
        return new Verdict("consumers-prefix", "every consumer saw a duplicate-free prefix of the committed log, gap-free but where "
            + "its tail reported entries dropped on every node", v, summary.toString());
    }

    /**
     * A reported skip must be a real range, and some server must have logged a first index exactly one past its
     * end (a retention drop, a snapshot installed, or a start with its log there: the tail goes on from the lowest
     * first index the nodes named). Without retention any skip fails. And nothing in it may be younger than the
     * retention: a node drops only files whose time slot ended more than the retention ago, and a snapshot covers
     * only what its leader dropped, so an acknowledged append in a skipped range was invoked at least the
     * retention before the skip (less {@link #SKIP_CLOCK_MARGIN_NANOS}: the servers age files by the wall clock).
     * A skip backed only by "some node dropped past it, some time" passed a tail that skipped too early (found in
     * review).
     */
    private void skipExplained(History.Skip k, List<String> v) {
        String what = "consumer " + k.consumer() + " was told entries " + k.fromIndex() + ".." + k.toIndex() + " were dropped on every node";
        if (k.fromIndex() < 1 || k.toIndex() < k.fromIndex()) {
            v.add(what + ": not a range of indexes");
            return;
        }
        if (!retention) {
            v.add(what + " in a run without retention");
            return;
        }
        long retentionNanos = FaultSuiteIT.parseDuration(history.meta.get("retention")).toNanos();
        for (History.Op op : firstAckedAt.subMap(k.fromIndex(), true, k.toIndex(), true).values()) {
            if (op.invokeNanos > k.nanos() - retentionNanos + SKIP_CLOCK_MARGIN_NANOS) {
                v.add(what + ", but " + op + " at index " + op.index + " was invoked only " + (k.nanos() - op.invokeNanos) / 1_000_000
                    + " ms before the skip, within the retention of " + history.meta.get("retention"));
                break;
            }
        }
        if (!"node-logs".equals(history.meta.get("compactions.source"))) {
            v.add(what + ", which cannot be checked: the servers' compaction lines were not read ("
                + history.meta.getOrDefault("compactions.problem", "no reason recorded") + ")");
            return;
        }
        boolean dropped = history.compactions().stream().anyMatch(c -> c.firstIndexAfter() == k.toIndex() + 1);
        if (!dropped) {
            v.add(what + ", but no server logged a first index of " + (k.toIndex() + 1) + " (where the tail went on)");
        }
    }

    /**
     * Every consumer's tail ran until the run closed it and got as far as the last committed data entry
     * known (handed it, or told it was dropped on every node): a consumer that stopped early, or whose tail
     * failed, would pass the prefix check on what it saw.
     */
    Verdict consumersCaughtUp() {
        Map.Entry<Long, String> last = knownData().lastEntry();
        Map<Integer, History.TailFailure> failures = history.tailFailures();
        Map<Integer, List<History.Skip>> skips = history.skipsByConsumer();
        List<String> v = new ArrayList<>();
        for (Map.Entry<Integer, List<History.Seen>> c : history.seenByConsumer().entrySet()) {
            int consumer = c.getKey();
            History.TailFailure f = failures.get(consumer);
            if (f != null) {
                v.add("consumer " + consumer + "'s tail failed: " + f.why());
            }
            if (last == null) {
                continue;
            }
            long index = last.getKey();
            boolean reached = c.getValue().stream().anyMatch(s -> s.index() == index && s.key().equals(last.getValue()))
                || skippedBy(skips.getOrDefault(consumer, List.of()), index);
            if (!reached) {
                History.Seen end = c.getValue().isEmpty() ? null : c.getValue().get(c.getValue().size() - 1);
                v.add("consumer " + consumer + " never got the last committed data entry " + last.getValue() + "@" + index
                    + " (its last was " + (end == null ? "nothing" : end.key() + "@" + end.index()) + ")");
            }
        }
        if (history.seenByConsumer().isEmpty()) {
            v.add("no consumer ran");
        }
        if (last == null) {
            v.add("the committed log holds no data entry");
        }
        return new Verdict("consumers-caught-up", "every consumer's tail ran without failing and reached the final log's last "
            + "committed data entry", v, last == null ? "" : "last data entry " + last.getValue() + "@" + last.getKey());
    }

    /**
     * At most one node leads any term. Exact from the servers' own role-change lines (every leadership is
     * logged; a kill can only hide one), merged with the status polls, which see only leaders lasting
     * across a 100 ms poll but need no log.
     */
    Verdict oneLeaderPerTerm() {
        Map<Long, Set<Integer>> leaders = new TreeMap<>();
        for (History.Observation o : history.observations()) {
            if (o.isLeader()) {
                leaders.computeIfAbsent(o.term(), t -> new HashSet<>()).add(o.node());
            }
        }
        List<History.LoggedLeader> logged = history.loggedLeaders();
        Set<Long> loggedTerms = new HashSet<>();
        for (History.LoggedLeader l : logged) {
            leaders.computeIfAbsent(l.term(), t -> new HashSet<>()).add(l.node());
            loggedTerms.add(l.term());
        }
        List<String> v = new ArrayList<>();
        leaders.forEach((term, nodes) -> {
            if (nodes.size() > 1) {
                v.add("term " + term + " had leaders " + new java.util.TreeSet<>(nodes));
            }
        });
        if (!"node-logs".equals(history.meta.get("leaders.source"))) {
            v.add("the servers' logs were not read (" + history.meta.getOrDefault("leaders.problem", "no reason recorded")
                + "): only leaders lasting across a status poll were seen");
        } else if (logged.isEmpty() && history.observations().stream().anyMatch(History.Observation::isLeader)) {
            v.add("the servers' logs name no leader although polls saw one: their role-change lines are missing (INFO off?)");
        }
        return new Verdict("one-leader-per-term", "at most one node is leader in any term (from the servers' logs and status polls)", v,
            leaders.size() + " terms with a leader, " + loggedTerms.size() + " of them from the servers' logs");
    }

    Verdict settled() {
        List<String> v = new ArrayList<>();
        String s = history.meta.getOrDefault("settled", "false");
        if (!"true".equals(s)) {
            v.add("after healing, the cluster did not converge: " + history.meta.getOrDefault("settle.detail", "(no detail)"));
        }
        return new Verdict("settled", "after healing, a leader is elected and every node catches up to one commit index", v,
            history.meta.getOrDefault("settle.detail", ""));
    }

    private static String describe(History.Entry e) {
        if (e.type() != EntryType.DATA) {
            return EntryType.name(e.type()) + " entry";
        }
        String key = Payloads.decode(e.bytes());
        return key != null ? key : "undecodable " + e.bytes().length + "-byte data entry";
    }

    /** The entry with its term and session header, for comparing stored entries. */
    private static String describeStored(History.Entry e) {
        return describe(e) + " in term " + e.term()
            + (e.header().length == 0 ? "" : " with session header " + java.util.HexFormat.of().formatHex(e.header()));
    }

    static String micros(long nanos) {
        return nanos >= 10_000_000 ? (nanos / 1_000_000) + " ms" : (nanos / 1_000) + " us";
    }
}
