package io.raftlog.fault;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Everything one fault run observed, recorded from many threads and saved as a text file that the
 * checker can re-read (a failed run is replayed from its history, not re-executed). Times are
 * {@link System#nanoTime()} values of the test JVM, so only their differences mean anything.
 */
final class History {

    /**
     * OK: acknowledged at an index. UNKNOWN: not acknowledged (still outstanding, or the client gave up); it
     * may have been appended. There is no "definitely failed": the client reports every failure as "may still
     * commit" ({@code AppendCallback.onFailed}), with one exception type.
     */
    enum Outcome { OK, UNKNOWN }

    /** One append. */
    static final class Op {
        final int id;
        final int producer;
        final String key;
        final int padding;
        final long invokeNanos;
        volatile long completeNanos = -1;
        volatile Outcome outcome = Outcome.UNKNOWN;
        volatile long index = -1;
        volatile String error = "";

        Op(int id, int producer, String key, int padding, long invokeNanos) {
            this.id = id;
            this.producer = producer;
            this.key = key;
            this.padding = padding;
            this.invokeNanos = invokeNanos;
        }

        synchronized void ok(long atNanos, long idx) {
            completeNanos = atNanos;
            index = idx;
            outcome = Outcome.OK;
        }

        /** The client gave up on the append: it stays UNKNOWN (it may still commit), now with a completion time. */
        synchronized void failed(long atNanos, String why) {
            if (outcome == Outcome.OK) {
                return;
            }
            completeNanos = atNanos;
            outcome = Outcome.UNKNOWN;
            error = why == null ? "" : why;
        }

        boolean completed() {
            return completeNanos >= 0;
        }

        @Override
        public String toString() {
            return "op#" + id + " " + key + " " + outcome + (index >= 0 ? "@" + index : "")
                + (error.isEmpty() ? "" : " (" + error + ")");
        }
    }

    /** An entry a consumer was handed. */
    record Seen(int consumer, long nanos, long index, String key) {
    }

    /**
     * A consumer's tail was told that {@code fromIndex..toIndex} were dropped on every node before it read them
     * ({@code EntryHandler.skipped}) and went on at {@code toIndex + 1}: the only gap a consumer may have.
     */
    record Skip(int consumer, long nanos, long fromIndex, long toIndex) {
    }

    /**
     * A change of a node's first index its server logged ({@link CompactionLines}): {@code RETENTION} dropped
     * {@code from..through}; {@code SNAPSHOT} (a leader's snapshot installed) replaced the log {@code from..}
     * by one ending at {@code through}; {@code START}: the node started with its log beginning at
     * {@code through + 1} ({@code from} is that first index too).
     */
    record Compaction(int node, Kind kind, long from, long through) {
        enum Kind { RETENTION, SNAPSHOT, START }

        /** The node's first index right after this. */
        long firstIndexAfter() {
            return through + 1;
        }
    }

    /** A leader's log line saying it sent node {@code to} a snapshot through {@code through} ({@link CompactionLines}). */
    record SnapshotSent(int node, int to, long through) {
    }

    /** A consumer's tail ended on its own (it failed, or stopped before the run closed it). */
    record TailFailure(int consumer, long nanos, String why) {
    }

    /** One poll of one node's status; reachable=false when the node did not answer in time. */
    record Observation(long nanos, int node, boolean reachable, String role, long term, int leaderId, long commitIndex) {
        boolean isLeader() {
            return reachable && "LEADER".equalsIgnoreCase(role);
        }
    }

    /** A server's log line saying it became leader of this term ({@link LeaderLines}). */
    record LoggedLeader(int node, long term) {
    }

    /** A fault the nemesis injected, from start to heal (end -1: still active when the run ended). */
    record Injection(long startNanos, long endNanos, String kind, String description) {
    }

    /**
     * One entry of a node's final log: its term, type, and stored bytes split into the server's session
     * header ({@code (clientId, sequence)} in front of a data entry, empty otherwise) and the payload. Logs
     * read through the client have neither term nor header: {@link #NO_TERM} and an empty header.
     */
    record Entry(long index, long term, byte type, byte[] header, byte[] bytes) {
        /** Raft terms start at 1: 0 is "not known". */
        static final long NO_TERM = 0;
        private static final byte[] NONE = new byte[0];

        Entry(long index, byte type, byte[] bytes) {
            this(index, NO_TERM, type, NONE, bytes);
        }
    }

    /**
     * A node's log after the run: its commit index, its first index (above 1 once retention dropped a prefix
     * or a snapshot replaced the log; the log may then even be empty) and its entries (as dumped or read).
     */
    record NodeLog(int node, long commitIndex, long firstIndex, List<Entry> entries) {
        /** A log that starts at index 1 (nothing compacted). */
        NodeLog(int node, long commitIndex, List<Entry> entries) {
            this(node, commitIndex, 1, entries);
        }
    }

    /** A free-form line for the report (settling, restarts, errors of the harness). */
    record Note(long nanos, String text) {
    }

    final Map<String, String> meta = new ConcurrentHashMap<>();
    private final List<Op> ops = Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, List<Seen>> seen = new ConcurrentHashMap<>();
    private final Map<Integer, TailFailure> tailFailures = new ConcurrentHashMap<>();
    private final List<Skip> skips = Collections.synchronizedList(new ArrayList<>());
    private final List<Compaction> compactions = Collections.synchronizedList(new ArrayList<>());
    private final List<SnapshotSent> snapshotsSent = Collections.synchronizedList(new ArrayList<>());
    private final List<Observation> observations = Collections.synchronizedList(new ArrayList<>());
    private final List<Injection> injections = Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, NodeLog> logs = new ConcurrentHashMap<>();
    private final List<Note> notes = Collections.synchronizedList(new ArrayList<>());
    private final List<LoggedLeader> loggedLeaders = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger nextOp = new AtomicInteger();

    Op invoke(int producer, String key, int padding, long nanos) {
        Op op = new Op(nextOp.getAndIncrement(), producer, key, padding, nanos);
        ops.add(op);
        return op;
    }

    /**
     * A consumer was handed these bytes: recorded as their key, or as undecodable with their length. As
     * {@link Payloads#decode} takes only a payload exactly as appended, the key stands for its exact bytes.
     */
    void seen(int consumer, long nanos, long index, byte[] bytes) {
        String key = Payloads.decode(bytes);
        seen(consumer, nanos, index, key == null ? "<undecodable:" + bytes.length + ">" : key);
    }

    void seen(int consumer, long nanos, long index, String key) {
        seen.computeIfAbsent(consumer, c -> Collections.synchronizedList(new ArrayList<>())).add(new Seen(consumer, nanos, index, key));
    }

    /** Declares a consumer even if it never sees anything (an empty prefix is still checked). */
    void consumer(int consumer) {
        seen.computeIfAbsent(consumer, c -> Collections.synchronizedList(new ArrayList<>()));
    }

    /** The consumer's tail ended before the run closed it; the first such report per consumer is kept. */
    void tailFailed(int consumer, long nanos, String why) {
        tailFailures.putIfAbsent(consumer, new TailFailure(consumer, nanos, why));
    }

    Map<Integer, TailFailure> tailFailures() {
        return new TreeMap<>(tailFailures);
    }

    void skipped(int consumer, long nanos, long fromIndex, long toIndex) {
        skips.add(new Skip(consumer, nanos, fromIndex, toIndex));
    }

    /** Every consumer's reported skips, in the order they were reported. */
    Map<Integer, List<Skip>> skipsByConsumer() {
        Map<Integer, List<Skip>> out = new TreeMap<>();
        synchronized (skips) {
            for (Skip s : skips) {
                out.computeIfAbsent(s.consumer(), c -> new ArrayList<>()).add(s);
            }
        }
        return out;
    }

    void compacted(Compaction c) {
        compactions.add(c);
    }

    void snapshotSent(SnapshotSent s) {
        snapshotsSent.add(s);
    }

    /** The snapshots the leaders logged sending, per node in file order. */
    List<SnapshotSent> snapshotsSent() {
        synchronized (snapshotsSent) {
            return List.copyOf(snapshotsSent);
        }
    }

    /** The compactions, snapshots and starts the servers logged, per node in file order. */
    List<Compaction> compactions() {
        synchronized (compactions) {
            return List.copyOf(compactions);
        }
    }

    void observe(Observation o) {
        observations.add(o);
    }

    void inject(Injection i) {
        injections.add(i);
    }

    /** Sets the end time of the open injection that started at {@code startNanos}. */
    void closeInjection(long startNanos, long endNanos) {
        synchronized (injections) {
            for (int i = injections.size() - 1; i >= 0; i--) {
                Injection in = injections.get(i);
                if (in.startNanos() == startNanos && in.endNanos() < 0) {
                    injections.set(i, new Injection(startNanos, endNanos, in.kind(), in.description()));
                    return;
                }
            }
        }
    }

    void log(NodeLog log) {
        logs.put(log.node(), log);
    }

    void ledTerm(LoggedLeader l) {
        loggedLeaders.add(l);
    }

    List<LoggedLeader> loggedLeaders() {
        synchronized (loggedLeaders) {
            return List.copyOf(loggedLeaders);
        }
    }

    void note(long nanos, String text) {
        notes.add(new Note(nanos, text));
    }

    List<Op> ops() {
        synchronized (ops) {
            return List.copyOf(ops);
        }
    }

    Map<Integer, List<Seen>> seenByConsumer() {
        Map<Integer, List<Seen>> out = new TreeMap<>();
        seen.forEach((c, l) -> {
            synchronized (l) {
                out.put(c, List.copyOf(l));
            }
        });
        return out;
    }

    List<Observation> observations() {
        synchronized (observations) {
            return List.copyOf(observations);
        }
    }

    List<Injection> injections() {
        synchronized (injections) {
            return List.copyOf(injections);
        }
    }

    Map<Integer, NodeLog> logs() {
        return new TreeMap<>(logs);
    }

    List<Note> notes() {
        synchronized (notes) {
            return List.copyOf(notes);
        }
    }

    long metaLong(String name, long dflt) {
        String v = meta.get(name);
        return v == null ? dflt : Long.parseLong(v);
    }

    // ---- the file format: one record per line, tab-separated, '#' comments ----

    void write(Path file) {
        HexFormat hex = HexFormat.of();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("# raftlog fault history v1: replay with -Dfault.replay=<this file>\n");
            for (Map.Entry<String, String> m : new TreeMap<>(meta).entrySet()) {
                line(w, "meta", m.getKey(), m.getValue());
            }
            for (Op o : ops()) {
                line(w, "op", o.id, o.producer, o.key, o.padding, o.invokeNanos, o.completeNanos, o.outcome, o.index,
                    o.error.isEmpty() ? "-" : o.error.replace('\t', ' ').replace('\n', ' '));
            }
            for (List<Seen> l : seenByConsumer().values()) {
                for (Seen s : l) {
                    line(w, "seen", s.consumer(), s.nanos(), s.index(), s.key());
                }
            }
            for (int c : seenByConsumer().keySet()) {
                line(w, "consumer", c);
            }
            for (List<Skip> l : skipsByConsumer().values()) {
                for (Skip k : l) {
                    line(w, "skip", k.consumer(), k.nanos(), k.fromIndex(), k.toIndex());
                }
            }
            for (Compaction c : compactions()) {
                line(w, "compacted", c.node(), c.kind(), c.from(), c.through());
            }
            for (SnapshotSent x : snapshotsSent()) {
                line(w, "snapsent", x.node(), x.to(), x.through());
            }
            for (TailFailure f : tailFailures().values()) {
                line(w, "tailfail", f.consumer(), f.nanos(), f.why().replace('\t', ' ').replace('\n', ' '));
            }
            for (Observation o : observations()) {
                line(w, "obs", o.nanos(), o.node(), o.reachable(), o.role(), o.term(), o.leaderId(), o.commitIndex());
            }
            for (Injection i : injections()) {
                line(w, "inj", i.startNanos(), i.endNanos(), i.kind(), i.description());
            }
            for (LoggedLeader l : loggedLeaders()) {
                line(w, "led", l.node(), l.term());
            }
            for (Note n : notes()) {
                line(w, "note", n.nanos(), n.text().replace('\t', ' ').replace('\n', ' '));
            }
            for (NodeLog l : logs().values()) {
                line(w, "log", l.node(), l.commitIndex(), l.firstIndex());
                for (Entry e : l.entries()) {
                    line(w, "entry", l.node(), e.index(), e.type(), hexOrDash(hex, e.bytes()), e.term(), hexOrDash(hex, e.header()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write history " + file, e);
        }
    }

    private static String hexOrDash(HexFormat hex, byte[] b) {
        return b.length == 0 ? "-" : hex.formatHex(b);
    }

    private static byte[] bytesOrNone(HexFormat hex, String field) {
        return "-".equals(field) ? new byte[0] : hex.parseHex(field);
    }

    private static void line(BufferedWriter w, Object... fields) throws IOException {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                w.write('\t');
            }
            w.write(String.valueOf(fields[i]));
        }
        w.write('\n');
    }

    static History read(Path file) {
        HexFormat hex = HexFormat.of();
        History h = new History();
        Map<Integer, Long> commit = new TreeMap<>();
        Map<Integer, Long> first = new TreeMap<>();
        Map<Integer, List<Entry>> entries = new TreeMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read history " + file, e);
        }
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            try {
                switch (f[0]) {
                    case "meta" -> h.meta.put(f[1], f[2]);
                    case "op" -> {
                        Op o = new Op(Integer.parseInt(f[1]), Integer.parseInt(f[2]), f[3], Integer.parseInt(f[4]), Long.parseLong(f[5]));
                        o.completeNanos = Long.parseLong(f[6]);
                        o.outcome = Outcome.valueOf(f[7]);
                        o.index = Long.parseLong(f[8]);
                        o.error = "-".equals(f[9]) ? "" : f[9];
                        h.ops.add(o);
                        h.nextOp.set(Math.max(h.nextOp.get(), o.id + 1));
                    }
                    case "seen" -> h.seen(Integer.parseInt(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), f[4]);
                    case "consumer" -> h.consumer(Integer.parseInt(f[1]));
                    case "skip" -> h.skipped(Integer.parseInt(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]));
                    case "compacted" -> h.compacted(new Compaction(Integer.parseInt(f[1]), Compaction.Kind.valueOf(f[2]),
                        Long.parseLong(f[3]), Long.parseLong(f[4])));
                    case "snapsent" -> h.snapshotSent(new SnapshotSent(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3])));
                    case "tailfail" -> h.tailFailed(Integer.parseInt(f[1]), Long.parseLong(f[2]), f[3]);
                    case "obs" -> h.observe(new Observation(Long.parseLong(f[1]), Integer.parseInt(f[2]), Boolean.parseBoolean(f[3]),
                        f[4], Long.parseLong(f[5]), Integer.parseInt(f[6]), Long.parseLong(f[7])));
                    case "inj" -> h.inject(new Injection(Long.parseLong(f[1]), Long.parseLong(f[2]), f[3], f[4]));
                    case "note" -> h.note(Long.parseLong(f[1]), f[2]);
                    case "led" -> h.ledTerm(new LoggedLeader(Integer.parseInt(f[1]), Long.parseLong(f[2])));
                    case "log" -> {
                        commit.put(Integer.parseInt(f[1]), Long.parseLong(f[2]));
                        // Histories written before first indexes were kept have three fields: their logs start at 1.
                        first.put(Integer.parseInt(f[1]), f.length > 3 ? Long.parseLong(f[3]) : 1L);
                    }
                    // Histories written before terms and headers were kept have five fields.
                    case "entry" -> entries.computeIfAbsent(Integer.parseInt(f[1]), n -> new ArrayList<>())
                        .add(new Entry(Long.parseLong(f[2]), f.length > 5 ? Long.parseLong(f[5]) : Entry.NO_TERM, Byte.parseByte(f[3]),
                            f.length > 6 ? bytesOrNone(hex, f[6]) : new byte[0], bytesOrNone(hex, f[4])));
                    default -> throw new IllegalArgumentException("unknown record '" + f[0] + "'");
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": cannot parse '" + line + "': " + e.getMessage(), e);
            }
        }
        commit.forEach((node, c) -> h.log(new NodeLog(node, c, first.get(node), entries.getOrDefault(node, List.of()))));
        return h;
    }
}
