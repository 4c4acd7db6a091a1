package io.raftlog.journal;

import java.util.function.IntFunction;

import org.agrona.concurrent.UnsafeBuffer;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads every record of a queue from the start, checks each one, and replays it into a {@link LogState}.
 * Damaged records followed only by damaged records are a torn tail (the writer died mid-batch; nothing in it
 * was ever reported durable): the scan reports where it starts and the caller voids it. A damaged record
 * followed by a whole one, an index gap, or a term going down is corruption: the scan throws, naming the
 * record's index and file, and the journal does not open.
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
        boolean sawEntry = false;
        long firstBadIndex = -1;
        long expectedAtBad = -1;
        String badReason = null;
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
                byte kind = rec.kind();
                long index = rec.index();
                long term = rec.term();
                if (firstBadIndex >= 0) {
                    throw corrupt(rollCycle, fileOfCycle, firstBadIndex, "record " + badReason
                        + " (expected Raft index " + expectedAtBad + "), followed by whole records: not a torn tail");
                }
                result.lastGoodQueueIndex = qi;
                if (visitor != null) {
                    visitor.record(qi, kind, index, term, rec.buffer, rec.length);
                }
                switch (kind) {
                    case RecordFormat.TRUNCATE -> {
                        if (index < state.firstIndex - 1 || index > state.lastIndex) {
                            throw corrupt(rollCycle, fileOfCycle, qi, RecordFormat.kindName(kind) + " record to index " + index
                                + " outside the log [" + state.firstIndex + ", " + state.lastIndex + "]");
                        }
                        result.superseded += state.lastIndex - index;
                        state.truncateAfter(index);
                    }
                    case RecordFormat.COMPACT -> {
                        if (index > state.lastIndex + 1 || (sawEntry && index < state.firstIndex)) {
                            throw corrupt(rollCycle, fileOfCycle, qi, "compaction record to first index " + index
                                + " does not fit the log [" + state.firstIndex + ", " + state.lastIndex + "]");
                        }
                        state.compact(index, term);
                    }
                    default -> {
                        if (sawEntry || state.compacted) {
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
                        }
                        sawEntry = true;
                        state.appended(index, term, qi);
                        result.entries++;
                        result.payloadBytes += rec.payloadLength();
                    }
                }
            }
        }
        if (firstBadIndex >= 0) {
            result.tornFrom = firstBadIndex;
            result.tornReason = badReason + " at " + describe(rollCycle, fileOfCycle, firstBadIndex);
        }
        if (!state.compacted && !state.isEmpty() && state.firstIndex != 1) {
            throw new JournalCorruptedException("journal starts at index " + state.firstIndex
                + " but holds no compaction record explaining the missing prefix (were files deleted by hand?)");
        }
        return result;
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
