package io.raftlog.journal;

import java.util.function.IntFunction;

import org.agrona.concurrent.UnsafeBuffer;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads every record of a queue from the start, checks each one, and replays it into a {@link LogState}.
 *
 * <p>Damaged records followed only by damaged records are a torn tail (the writer died mid-batch; nothing in
 * it was ever reported durable): the scan reports where it starts and the caller cuts it back. A damaged
 * record followed by a whole one, an index gap, or a term going down is corruption: the scan throws, naming
 * the record's index and file, and the journal does not open.
 *
 * <p>Compaction deletes whole files, so the first remaining file may begin with records that only made sense
 * together with the deleted ones (a truncation back into them, entries later superseded). The scan therefore
 * first looks backwards for the latest compaction record, which names the first index and the last index at
 * the time; records before it are replayed leniently for indexes at or above that first index only, and at
 * the marker the replayed log must be exactly what the marker says. From there on every rule is strict.
 */
final class JournalScan {

    /** Sees every whole record in queue order. */
    interface Visitor {
        void record(long queueIndex, byte kind, long index, long term, UnsafeBuffer record, int length);
    }

    static final class Result {
        long records;
        long entries;
        long payloadBytes;
        long superseded;
        /** Queue index of the first record of a torn tail, or -1. */
        long tornFrom = -1;
        String tornReason;
        long tornRecords;
        /** The last document read, whole or not, and the last whole one (-1 if none). */
        long lastSeenQueueIndex = -1;
        long lastGoodQueueIndex = -1;
    }

    private JournalScan() {
    }

    static Result scan(ExcerptTailer tailer, RollCycle rollCycle, IntFunction<String> fileOfCycle,
                       LogState state, Visitor visitor) {
        Result result = new Result();
        RecordBuffer rec = new RecordBuffer();
        long markerAt = findLastCompaction(tailer, rec);
        long markerFirst = 1;
        long markerLast = 0;
        if (markerAt >= 0) {
            tailer.moveToIndex(markerAt);
            try (DocumentContext dc = tailer.readingDocument()) {
                rec.load(dc.wire().bytes());
                markerFirst = rec.index();
                markerLast = rec.buffer.getLong(RecordFormat.HEADER_LENGTH);
                state.resetTo(markerFirst - 1);
                state.termBeforeFirst = rec.term();
                state.compacted = true;
            }
        }
        long firstBadIndex = -1;
        long expectedAtBad = -1;
        String badReason = null;
        tailer.direction(TailerDirection.FORWARD);
        tailer.toStart();
        while (true) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    break;
                }
                long qi = dc.index();
                String damage = rec.load(dc.wire().bytes());
                result.records++;
                result.lastSeenQueueIndex = qi;
                if (damage != null) {
                    if (firstBadIndex < 0) {
                        firstBadIndex = qi;
                        expectedAtBad = state.lastIndex + 1;
                        badReason = damage;
                    }
                    result.tornRecords++;
                    continue;
                }
                if (firstBadIndex >= 0) {
                    throw corrupt(rollCycle, fileOfCycle, firstBadIndex, "record " + badReason
                        + " (expected Raft index " + expectedAtBad + "), followed by whole records: not a torn tail");
                }
                result.lastGoodQueueIndex = qi;
                byte kind = rec.kind();
                long index = rec.index();
                long term = rec.term();
                if (visitor != null) {
                    visitor.record(qi, kind, index, term, rec.buffer, rec.length);
                }
                boolean beforeMarker = markerAt >= 0 && qi < markerAt;
                if (beforeMarker) {
                    replayBeforeMarker(state, result, kind, index, term, qi, markerFirst);
                } else if (qi == markerAt) {
                    if (state.lastIndex != markerLast || (!state.isEmpty() && state.firstIndex != markerFirst)) {
                        throw corrupt(rollCycle, fileOfCycle, qi, "the compaction record says the log was [" + markerFirst + ", "
                            + markerLast + "] but the files before it hold [" + state.firstIndex + ", " + state.lastIndex + "]");
                    }
                } else {
                    replay(state, result, kind, index, term, qi, rec.payloadLength(), rollCycle, fileOfCycle);
                }
            }
        }
        if (firstBadIndex >= 0) {
            result.tornFrom = firstBadIndex;
            result.tornReason = badReason + " at " + describe(rollCycle, fileOfCycle, firstBadIndex);
        }
        return result;
    }

    /** Strict replay: the rules every record after the latest compaction (or of a never-compacted log) obeys. */
    private static void replay(LogState state, Result result, byte kind, long index, long term, long qi, int payloadLength,
                               RollCycle rollCycle, IntFunction<String> fileOfCycle) {
        switch (kind) {
            case RecordFormat.TRUNCATE -> {
                if (index < state.firstIndex - 1 || index > state.lastIndex) {
                    throw corrupt(rollCycle, fileOfCycle, qi, "truncate record to index " + index
                        + " outside the log [" + state.firstIndex + ", " + state.lastIndex + "]");
                }
                result.superseded += state.lastIndex - index;
                state.truncateAfter(index);
            }
            case RecordFormat.COMPACT -> throw corrupt(rollCycle, fileOfCycle, qi, "a compaction record after the latest one");
            default -> {
                if (index > state.lastIndex + 1 || index < state.firstIndex) {
                    throw corrupt(rollCycle, fileOfCycle, qi, "entry index " + index + " does not follow the log ["
                        + state.firstIndex + ", " + state.lastIndex + "] (gap or below the first index)");
                }
                if (index <= state.lastIndex) {
                    result.superseded += state.lastIndex - index + 1;
                    state.truncateAfter(index - 1);
                }
                long prevTerm = state.termAt(index - 1);
                if (term < prevTerm) {
                    throw corrupt(rollCycle, fileOfCycle, qi, "entry " + index + " has term " + term
                        + " below the previous entry's term " + prevTerm);
                }
                state.appended(index, term, qi);
                result.entries++;
                result.payloadBytes += payloadLength;
            }
        }
    }

    /**
     * Lenient replay of records written before the latest compaction: only indexes at or above its first
     * index are kept; anything reaching below it clears what was kept (it superseded those entries then).
     * The check at the marker catches a replay that does not end where the writer was.
     */
    private static void replayBeforeMarker(LogState state, Result result, byte kind, long index, long term, long qi, long first) {
        switch (kind) {
            case RecordFormat.TRUNCATE -> {
                if (index < state.firstIndex) {
                    state.resetTo(Math.max(index, first - 1)); // nothing kept survives it
                } else if (index < state.lastIndex) {
                    state.truncateAfter(index);
                }
            }
            case RecordFormat.COMPACT -> {
                // an older compaction: the latest one decides
            }
            default -> {
                if (index < first) {
                    state.resetTo(first - 1);
                    return;
                }
                if (index < state.firstIndex || index > state.lastIndex + 1) {
                    state.resetTo(index - 1); // supersedes all kept, or follows a gap: start over (checked at the marker)
                } else if (index <= state.lastIndex) {
                    state.truncateAfter(index - 1);
                }
                state.appended(index, term, qi);
            }
        }
    }

    /**
     * The queue index of the latest whole compaction record, or -1; reads backwards from the end, or forwards
     * from the start when Chronicle cannot find the end of a damaged file (it fails an internal assertion).
     */
    private static long findLastCompaction(ExcerptTailer tailer, RecordBuffer rec) {
        try {
            return findLastCompactionBackwards(tailer, rec);
        } catch (AssertionError | RuntimeException e) {
            long found = -1;
            tailer.direction(TailerDirection.FORWARD).toStart();
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        return found;
                    }
                    if (rec.load(dc.wire().bytes()) == null && rec.kind() == RecordFormat.COMPACT) {
                        found = dc.index();
                    }
                }
            }
        }
    }

    private static long findLastCompactionBackwards(ExcerptTailer tailer, RecordBuffer rec) {
        tailer.direction(TailerDirection.BACKWARD).toEnd();
        try {
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        return -1;
                    }
                    if (rec.load(dc.wire().bytes()) == null && rec.kind() == RecordFormat.COMPACT) {
                        return dc.index();
                    }
                }
            }
        } finally {
            tailer.direction(TailerDirection.FORWARD);
        }
    }

    static String describe(RollCycle rollCycle, IntFunction<String> fileOfCycle, long queueIndex) {
        int cycle = rollCycle.toCycle(queueIndex);
        return "queue index 0x" + Long.toHexString(queueIndex) + " (document " + rollCycle.toSequenceNumber(queueIndex)
            + " of file " + fileOfCycle.apply(cycle) + ")";
    }

    private static JournalCorruptedException corrupt(RollCycle rollCycle, IntFunction<String> fileOfCycle, long qi, String what) {
        return new JournalCorruptedException("journal corrupted: " + what + ", at " + describe(rollCycle, fileOfCycle, qi)
            + "; refusing to open (restore this node from a peer)");
    }
}
