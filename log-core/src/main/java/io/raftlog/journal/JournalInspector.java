package io.raftlog.journal;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.LongFunction;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.raftlog.raft.EntryType;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Offline (or beside a running node: it only reads) checks and listings of a journal directory, for
 * {@code raftlog journal verify|dump}. Uses the same scan as start-up, so it judges exactly as a node would.
 */
public final class JournalInspector {

    static {
        ChronicleSettings.apply();
    }

    /**
     * What verify found. {@code problems} is empty for a healthy journal. The counts describe the cycle files;
     * {@code tailRecords} is what the tail files hold (fsync=batch), {@code tailRestored} how many of those a
     * node's next open lays over the cycle files (entries they lost after a power cut, or hold differently),
     * and {@code lastIndexAfterReplay} where its log then ends. {@code cleanCloseIndex} is the Raft index the
     * seal ({@link CleanCloseSeal}) names: the log ended there, or later, when everything written had been forced
     * at a clean close, a start or a checkpoint; -1 without a seal. {@code warnings} name
     * cycle files that hold nothing (empty, or a first header never completed): not damage a node refuses, but
     * entries expected there are not in the log.
     */
    public record Report(long firstIndex, long lastIndex, long entries, long noops, long payloadBytes, long records,
                         long superseded, int files, long firstTerm, long lastTerm, String tornTail, List<String> problems,
                         long tailRecords, long tailRestored, long lastIndexAfterReplay, long cleanCloseIndex,
                         List<String> warnings) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private JournalInspector() {
    }

    public static Report verify(Path journalDir) {
        return verify(journalDir, JournalOptions.defaults());
    }

    public static Report verify(Path journalDir, JournalOptions options) {
        int files = requireJournal(journalDir);
        List<String> problems = new ArrayList<>();
        LogState state = new LogState();
        long[] noops = {0};
        JournalScan.Result scan = null;
        TailReplay.Plan tailPlan = TailReplay.plan(journalDir);
        // The seal before the scan: beside a live node it moves up at every checkpoint, and one read first names
        // only documents that were already written and forced when the scan began.
        CleanCloseSeal.Seal seal = CleanCloseSeal.read(journalDir);
        try (SingleChronicleQueue queue = ChronicleJournal.buildQueue(journalDir, options, true, null);
             ExcerptTailer tailer = queue.createTailer()) {
            scan = JournalScan.scan(tailer, options.rollCycle, fileNames(options), state,
                (qi, kind, index, term, document, offset, length) -> {
                    if (kind == EntryType.NOOP) {
                        noops[0]++;
                    }
                }, options.fileReadMinBytes, tailPlan);
        } catch (JournalCorruptedException e) {
            problems.add(e.getMessage());
        } catch (Exception e) { // Chronicle throws its StreamCorruptedException undeclared
            problems.add(unreadable(journalDir, e));
        }
        String sealBroken = scan == null ? null : CleanCloseSeal.contradiction(seal, scan, describer(options));
        if (sealBroken != null) {
            problems.add(sealBroken + "; the node refuses to open this journal (restore it from a peer)");
        }
        long firstTerm = state.isEmpty() ? 0 : state.termAt(state.firstIndex);
        long lastIndex = state.lastIndex;
        long lastTerm = state.lastTerm();
        TailReplay.Outcome tail = new TailReplay.Outcome(0, 0);
        if (problems.isEmpty()) {
            try {
                tail = TailReplay.apply(journalDir, tailPlan, state, previewOf(state));
            } catch (JournalCorruptedException e) {
                problems.add(e.getMessage());
            } catch (RuntimeException e) {
                problems.add("cannot read the tail files in " + journalDir + ": " + e);
            }
        }
        String torn = scan != null && scan.tornFrom >= 0 && sealBroken == null
            ? scan.tornRecords + " record(s) at the tail from the damage on (" + scan.tornReason + "); the node cuts them back at its next start"
            : null;
        return new Report(state.firstIndex, lastIndex, Math.max(0, lastIndex - state.firstIndex + 1),
            noops[0], scan == null ? 0 : scan.payloadBytes, scan == null ? 0 : scan.records, scan == null ? 0 : scan.superseded,
            files, firstTerm, lastTerm, torn, problems, tail.records(), tail.restored(), state.lastIndex,
            seal == null ? -1 : seal.lastIndex(), CycleFileHeaders.holdingNothing(journalDir));
    }

    /** Why Chronicle could not read the journal: the damaged file when its first header shows which. */
    private static String unreadable(Path journalDir, Exception e) {
        String damaged = CycleFileHeaders.damagedFile(journalDir);
        return damaged != null ? damaged : "cannot read the queue in " + journalDir + ": " + e;
    }

    /** Plays a tail replay on the scan's log state only: nothing on disk changes. */
    private static TailReplay.Changes previewOf(LogState state) {
        return new TailReplay.Changes() {
            @Override
            public void truncateAfter(long index) {
                state.truncateAfter(index);
            }

            @Override
            public void append(long index, long term, byte kind, DirectBuffer payload, int offset, int length) {
                state.staged(index, term);
            }

            @Override
            public void installSnapshot(long index, long term) {
                state.installSnapshot(index, term);
            }
        };
    }

    /** Receives the entries {@link #dump} lists. */
    public interface DumpLine {
        /** {@code fromTailFile}: not in the cycle files; the node's next start restores it from a tail file. */
        void entry(long index, long term, byte type, DirectBuffer buffer, int offset, int length, boolean fromTailFile);
    }

    /** An entry the tail files hold and the next start lays over the cycle files (bounded by the tail files' size). */
    private record Restored(long index, long term, byte kind, UnsafeBuffer payload) {
    }

    /**
     * Lists up to {@code count} live entries from {@code fromIndex} (clamped to the first index) in index order:
     * the log a node opening this journal would serve. That includes what its start restores from the tail
     * files (fsync=batch, after a crash or power cut), by the rule {@link TailReplay} applies at open: cycle-file
     * entries a restored one replaces are not listed.
     *
     * @return how many were listed
     * @throws JournalCorruptedException if the journal would not open on a node
     */
    public static long dump(Path journalDir, long fromIndex, long count, DumpLine out) {
        return dump(journalDir, JournalOptions.defaults(), fromIndex, count, out);
    }

    public static long dump(Path journalDir, JournalOptions options, long fromIndex, long count, DumpLine out) {
        requireJournal(journalDir);
        LogState state = new LogState();
        LongFunction<String> describe = describer(options);
        TailReplay.Plan tailPlan = TailReplay.plan(journalDir);
        CleanCloseSeal.Seal seal = CleanCloseSeal.read(journalDir); // before the scan, as in verify
        try (SingleChronicleQueue queue = ChronicleJournal.buildQueue(journalDir, options, true, null)) {
            try (ExcerptTailer tailer = queue.createTailer()) {
                JournalScan.Result scan = JournalScan.scan(tailer, options.rollCycle, fileNames(options), state, null,
                    options.fileReadMinBytes, tailPlan);
                String sealBroken = CleanCloseSeal.contradiction(seal, scan, describe);
                if (sealBroken != null) {
                    throw new JournalCorruptedException("journal " + journalDir + " is damaged: " + sealBroken);
                }
            } catch (JournalCorruptedException e) {
                throw e;
            } catch (Exception e) { // Chronicle throws its StreamCorruptedException undeclared
                throw new JournalCorruptedException(unreadable(journalDir, e));
            }
            long[] cycleLast = {state.lastIndex};
            List<Restored> restored = new ArrayList<>();
            TailReplay.apply(journalDir, tailPlan, state, new TailReplay.Changes() {
                @Override
                public void truncateAfter(long index) {
                    state.truncateAfter(index);
                    cycleLast[0] = Math.min(cycleLast[0], index);
                    restored.removeIf(r -> r.index() > index);
                }

                @Override
                public void append(long index, long term, byte kind, DirectBuffer payload, int offset, int length) {
                    state.staged(index, term);
                    byte[] copy = new byte[length];
                    payload.getBytes(offset, copy);
                    restored.add(new Restored(index, term, kind, new UnsafeBuffer(copy)));
                }

                @Override
                public void installSnapshot(long index, long term) {
                    state.installSnapshot(index, term);
                    cycleLast[0] = Math.min(cycleLast[0], index);
                    restored.clear();
                }
            });
            ChronicleJournalReader.Source source = new ChronicleJournalReader.Source() {
                @Override
                public ChronicleQueue queue() {
                    return queue;
                }

                @Override
                public long publishedFirst() {
                    return state.firstIndex;
                }

                @Override
                public long publishedLast() {
                    return cycleLast[0];
                }

                @Override
                public PositionMap positions() {
                    return state.positions;
                }

                @Override
                public String describe(long queueIndex) {
                    return describe.apply(queueIndex);
                }

                @Override
                public int fileReadMinBytes() {
                    return options.fileReadMinBytes;
                }
            };
            long listed = 0;
            long next = Math.max(fromIndex, state.firstIndex);
            try (ChronicleJournalReader reader = new ChronicleJournalReader(source)) {
                while (listed < count && next <= cycleLast[0]) {
                    int n = reader.read(next, cycleLast[0], (int) Math.min(1024, count - listed), Long.MAX_VALUE,
                        (index, term, type, buffer, offset, length) -> {
                            out.entry(index, term, type, buffer, offset, length, false);
                            return true;
                        });
                    listed += n;
                    next += n;
                }
            }
            for (Restored r : restored) {
                if (listed >= count) {
                    break;
                }
                if (r.index() >= next) {
                    out.entry(r.index(), r.term(), r.kind(), r.payload(), 0, r.payload().capacity(), true);
                    listed++;
                }
            }
            return listed;
        }
    }

    /** A printable preview of a payload: printable ASCII as is, other bytes as '.', at most {@code max} bytes. */
    public static String preview(DirectBuffer buffer, int offset, int length, int max) {
        StringBuilder sb = new StringBuilder(Math.min(length, max) + 3);
        for (int i = 0; i < Math.min(length, max); i++) {
            byte b = buffer.getByte(offset + i);
            sb.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        if (length > max) {
            sb.append("...");
        }
        return sb.toString();
    }

    public static void printReport(Report r, Path dir, PrintStream out) {
        out.printf("journal %s: %s%n", dir, r.ok() ? "OK" : "CORRUPT");
        out.printf("  entries   %d (%d no-op) from index %d to %d, terms %d..%d%n", r.entries(), r.noops(), r.firstIndex(),
            r.lastIndex(), r.firstTerm(), r.lastTerm());
        out.printf("  records   %d in %d file(s), %d payload bytes, %d superseded by truncations%n", r.records(), r.files(),
            r.payloadBytes(), r.superseded());
        if (r.cleanCloseIndex() >= 0) {
            out.printf("  sealed    at index %d or later: everything up to there forced at a clean close, a start or a checkpoint"
                + " (damage up to there is corruption, not a torn tail)%n", r.cleanCloseIndex());
        }
        if (r.tornTail() != null) {
            out.printf("  torn tail %s%n", r.tornTail());
        }
        if (r.tailRestored() > 0) {
            out.printf("  tail files %d record(s); the node's next start restores %d entries the cycle files lack or hold"
                + " differently, ending at index %d%n", r.tailRecords(), r.tailRestored(), r.lastIndexAfterReplay());
        } else if (r.tailRecords() > 0) {
            out.printf("  tail files %d record(s), all already in the cycle files%n", r.tailRecords());
        }
        for (String w : r.warnings()) {
            out.printf("  warning   %s%n", w);
        }
        for (String p : r.problems()) {
            out.printf("  problem   %s%n", p);
        }
    }

    /** The file name of each cycle under {@code options}' roll cycle, for messages. */
    private static IntFunction<String> fileNames(JournalOptions options) {
        return c -> ChronicleJournal.fileNameOf(options.rollCycle, c);
    }

    /** Names a queue index as its document and file, as the node's own messages do. */
    private static LongFunction<String> describer(JournalOptions options) {
        IntFunction<String> fileOfCycle = fileNames(options);
        return qi -> JournalScan.describe(options.rollCycle, fileOfCycle, qi);
    }

    /**
     * Returns how many cycle files the directory holds. Counted from the directory, not from Chronicle's
     * StoreFileListener: that runs on a background thread some time after a file is acquired.
     */
    private static int requireJournal(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no journal directory " + dir);
        }
        if (!Files.isReadable(dir)) {
            throw new IllegalArgumentException("journal directory " + dir + " is not readable");
        }
        File[] cq4 = dir.toFile().listFiles((d, name) -> name.endsWith(SingleChronicleQueue.SUFFIX));
        if (cq4 == null || cq4.length == 0) {
            throw new IllegalArgumentException("no journal files (*" + SingleChronicleQueue.SUFFIX + ") in " + dir);
        }
        return cq4.length;
    }
}
