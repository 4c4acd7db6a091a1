package io.raftlog.journal;

import java.text.ParseException;
import java.util.function.IntFunction;

import org.agrona.concurrent.UnsafeBuffer;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads every record of a queue from the start, checks each one, and replays it into a {@link LogState}.
 *
 * <p>Damaged records followed only by damaged records are a torn tail (the writer died mid-batch; nothing in
 * it was ever reported durable): the scan reports where it starts and the caller cuts it back. A damaged
 * record followed by a whole one, an index gap, or a term going down is corruption: the scan throws, naming
 * the record's index and file, and the journal does not open. The exception is damage the tail files make
 * good (see {@link #scan}): cycle-file pages a power cut lost before they were forced, cut back as a torn tail.
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
        /** The record's bytes are {@code [offset, offset + length)} of {@code document}. */
        void record(long queueIndex, byte kind, long index, long term, UnsafeBuffer document, int offset, int length);
    }

    static final class Result {
        long records;
        long entries;
        long payloadBytes;
        long superseded;
        /** Queue index of the document holding the first damaged record of a torn tail, or -1. */
        long tornFrom = -1;
        /** Bytes of that document before its first damaged record: whole records the repair keeps. */
        int tornKeepBytes;
        String tornReason;
        /** Records read from the first damaged one on (damaged or whole): what the cut drops. */
        long tornRecords;
        /** The last document read, whole or not, and the last wholly good one before any damage (-1 if none). */
        long lastSeenQueueIndex = -1;
        long lastGoodQueueIndex = -1;
        /** Queue index of the document holding the latest compaction record, or -1: the log was never compacted. */
        long latestCompactionQueueIndex = -1;
        /**
         * Queue index of the document from which the records before that compaction record rebuilt its first entry,
         * or -1 (no record, or it left the log empty): the next scan needs the files from there on, wherever that
         * entry lives now.
         */
        long latestCompactionFirstQueueIndex = -1;
    }

    private JournalScan() {
    }

    /**
     * Scans the queue. Documents of at least {@code fileReadMinBytes} are copied out of their files with pread
     * ({@link CycleFileReads}: opening a journal reads all of it, twice where the search for a compaction record
     * finds none, and through the map each page's first touch costs microseconds on a guest); 0 reads everything
     * through the map.
     */
    /**
     * @param tail the tail files' first read ({@link TailReplay#plan}). They hold every entry made durable from
     *        {@link TailReplay.Plan#coveredFrom} on ({@link Long#MAX_VALUE}: nothing, or no tail files). Damage
     *        followed by whole records is corruption, except where cutting the cycle files back at it, as a torn
     *        tail is cut, loses only what the tail files bring back: pages of the cycle files lost out of order
     *        before they were forced (a power cut during write-behind, or during the force of a compaction
     *        record). After the latest compaction record that is damage at or after that index; before it, see
     *        {@link #beforeTheLatestMarker}.
     */
    static Result scan(ExcerptTailer tailer, RollCycle rollCycle, IntFunction<String> fileOfCycle,
                       LogState state, Visitor visitor, int fileReadMinBytes, TailReplay.Plan tail) {
        try (CycleFileReads reads = CycleFileReads.forDocumentsOf(fileReadMinBytes)) {
            return scan(tailer, rollCycle, fileOfCycle, state, visitor, reads, tail, Long.MAX_VALUE);
        }
    }

    /** Reads the documents up to queue index {@code endAt} only, as if the queue ended there. */
    private static Result scan(ExcerptTailer tailer, RollCycle rollCycle, IntFunction<String> fileOfCycle,
                               LogState state, Visitor visitor, CycleFileReads reads, TailReplay.Plan tail, long endAt) {
        long tailCoversFrom = tail.coveredFrom();
        Result result = new Result();
        RecordBuffer rec = new RecordBuffer();
        long[] marker = findLastCompaction(tailer, rollCycle, rec, reads, endAt);
        long markerAt = marker[0];
        long markerOrdinal = marker[1];
        result.latestCompactionQueueIndex = markerAt;
        long markerFirst = 1;
        long markerLast = 0;
        if (markerAt >= 0) {
            tailer.moveToIndex(markerAt);
            try (DocumentContext dc = tailer.readingDocument()) {
                rec.loadDocument(dc.wire().bytes(), reads);
                rec.skip((int) markerOrdinal);
                rec.next();
                markerFirst = rec.index();
                markerLast = rec.buffer.getLong(rec.payloadOffset());
                state.resetTo(markerFirst - 1);
                state.termBeforeFirst = rec.term();
                state.compacted = true;
            }
        }
        long firstBadIndex = -1;
        int firstBadOrdinal = 0;
        long expectedAtBad = -1;
        String badReason = null;
        tailer.direction(TailerDirection.FORWARD);
        tailer.toStart();
        // Whole records after damage are read on, not replayed: the lowest entry any of them writes or truncates
        // back to says whether the cut would lose what the tail files cannot bring back (entries a truncation
        // after the damage replaced, say: kept before the damage, they would come back in place of the new ones).
        boolean wholeAfterDamage = false;
        long lowestAfterDamage = Long.MAX_VALUE;
        while (true) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent() || dc.index() > endAt) {
                    break;
                }
                long qi = dc.index();
                result.lastSeenQueueIndex = qi;
                String damage = rec.loadDocument(dc.wire().bytes(), reads);
                boolean whole = true;
                while (damage != null || rec.hasNext()) {
                    if (damage == null) {
                        damage = rec.next();
                    }
                    result.records++;
                    if (damage != null) {
                        // A document is written in one piece, so a damaged record leaves nothing after it in its
                        // document to trust: the rest of the document goes with it.
                        if (firstBadIndex < 0) {
                            firstBadIndex = qi;
                            firstBadOrdinal = Math.max(rec.ordinal, 0);
                            result.tornKeepBytes = rec.at;
                            expectedAtBad = state.lastIndex + 1;
                            badReason = damage;
                        }
                        result.tornRecords++;
                        whole = false;
                        break;
                    }
                    if (firstBadIndex >= 0) {
                        result.tornRecords++; // cut back with the damage
                        wholeAfterDamage = true;
                        lowestAfterDamage = Math.min(lowestAfterDamage, lowestTouched(rec.kind(), rec.index()));
                        continue;
                    }
                    byte kind = rec.kind();
                    long index = rec.index();
                    long term = rec.term();
                    int ordinal = rec.ordinal;
                    if (visitor != null) {
                        visitor.record(qi, kind, index, term, rec.buffer, rec.at, rec.length);
                    }
                    boolean beforeMarker = markerAt >= 0 && (qi < markerAt || (qi == markerAt && ordinal < markerOrdinal));
                    if (beforeMarker) {
                        replayBeforeMarker(state, result, kind, index, term, qi, ordinal, markerFirst);
                    } else if (qi == markerAt && ordinal == markerOrdinal) {
                        if (state.lastIndex != markerLast || (!state.isEmpty() && state.firstIndex != markerFirst)) {
                            throw corrupt(rollCycle, fileOfCycle, qi, ordinal, "the compaction record says the log was [" + markerFirst + ", "
                                + markerLast + "] but the files before it hold [" + state.firstIndex + ", " + state.lastIndex + "]");
                        }
                        if (!state.isEmpty()) {
                            result.latestCompactionFirstQueueIndex = state.positions.snapshot().queueIndexOf(markerFirst);
                        }
                    } else {
                        replay(state, result, kind, index, term, qi, ordinal, rec.payloadLength(), rollCycle, fileOfCycle);
                    }
                }
                if (whole && firstBadIndex < 0) {
                    result.lastGoodQueueIndex = qi;
                }
            }
        }
        if (wholeAfterDamage) {
            if (firstBadIndex < markerAt && tailCoversFrom != Long.MAX_VALUE) {
                Result kept = beforeTheLatestMarker(tailer, rollCycle, fileOfCycle, state, reads, tail, firstBadIndex,
                    firstBadOrdinal, badReason, markerAt, result.lastSeenQueueIndex, lowestAfterDamage);
                kept.tornRecords = result.tornRecords; // the second scan stopped at the damage
                return kept;
            }
            if (firstBadIndex <= markerAt || expectedAtBad < tailCoversFrom || lowestAfterDamage < tailCoversFrom) {
                throw corrupt(rollCycle, fileOfCycle, firstBadIndex, firstBadOrdinal, "record " + badReason
                    + " (expected Raft index " + expectedAtBad + "), followed by whole records: not a torn tail"
                    + belowTheTailFiles(lowestAfterDamage, tailCoversFrom, expectedAtBad));
            }
            // Write-behind had not forced these pages when the power went, and the disk lost them out of order;
            // every entry made durable from here on is in the tail files, and nothing after the damage went below.
            badReason += " (followed by whole records: pages not yet forced, lost out of order; the"
                + " tail files hold the log from entry " + tailCoversFrom + ")";
        }
        if (firstBadIndex >= 0) {
            result.tornFrom = firstBadIndex;
            result.tornReason = badReason + " at " + describe(rollCycle, fileOfCycle, firstBadIndex, firstBadOrdinal);
        }
        return result;
    }

    /** The lowest entry a record replaces or writes: an entry's own index, after a truncation's last kept one. */
    private static long lowestTouched(byte kind, long index) {
        if (kind == RecordFormat.TRUNCATE) {
            return index + 1;
        }
        return kind == RecordFormat.COMPACT ? Long.MAX_VALUE : index; // dropping a prefix replaces nothing
    }

    /** Why damage the tail files cover by its index is still refused: a record after it reaches below them. */
    private static String belowTheTailFiles(long lowestAfterDamage, long tailCoversFrom, long expectedAtBad) {
        return expectedAtBad >= tailCoversFrom && lowestAfterDamage < tailCoversFrom && tailCoversFrom != Long.MAX_VALUE
            ? " (a whole record after it writes or truncates back to entry " + lowestAfterDamage + ", below entry "
                + tailCoversFrom + " where the tail files begin: the damage is no unforced page)"
            : "";
    }

    /**
     * Damage before the latest compaction record, followed by whole records: a power cut while that record was
     * forced (or any later force) can leave it so, when the disk kept the record's page but lost an earlier one that
     * write-behind had not forced yet. Cutting the cycle files back at the damage, the record with it, is safe
     * exactly when what stays is a log on its own and everything the cut loses that was ever durable comes back
     * from the tail files. So the records before the damage (with the whole records of the damaged document before
     * it) are scanned again into {@code state} as if the queue ended there, by the same rules (their own latest
     * compaction record, and strict after it), and the cut is taken when that scan holds and either
     * <ul>
     * <li>the tail files hold the log from the first index it would lose ({@code lastIndex + 1}) on, as after the
     *     latest record; or</li>
     * <li>the tail files hold a snapshot's compaction record whose snapshot reaches the first index the cut keeps:
     *     the replay installs that snapshot again, and it replaces every entry through its index.</li>
     * </ul>
     * A retention compaction record is in the cycle files alone, so its effect is undone (its files go only once it
     * is forced; retention compacts again); a snapshot's is applied again from the tail files. Anything else is
     * corruption, as before: a finished compaction forced every page before its record and then dropped files, so
     * damage before it is no unforced page (and what precedes the damage is then no log on its own), and damage
     * below where the tail files hold the log would lose forced entries.
     */
    private static Result beforeTheLatestMarker(ExcerptTailer tailer, RollCycle rollCycle, IntFunction<String> fileOfCycle,
                                                LogState state, CycleFileReads reads, TailReplay.Plan tail,
                                                long badAt, int badOrdinal, String badReason, long markerAt,
                                                long lastSeenQueueIndex, long lowestAfterDamage) {
        String followed = "followed by whole records and then the latest compaction record at "
            + describe(rollCycle, fileOfCycle, markerAt) + ": not a torn tail";
        state.clear();
        Result kept;
        try {
            kept = scan(tailer, rollCycle, fileOfCycle, state, null, reads, tail, badAt);
        } catch (JournalCorruptedException e) {
            throw corrupt(rollCycle, fileOfCycle, badAt, badOrdinal, "record " + badReason + ", " + followed
                + " (the records before it are no log without the compaction record after it)");
        }
        if (kept.tornFrom != badAt) {
            throw corrupt(rollCycle, fileOfCycle, badAt, badOrdinal, "record " + badReason + ", " + followed
                + " (read again, the damage is not where it was)");
        }
        long loses = state.lastIndex + 1;
        long snapshot = tail.snapshotThrough();
        boolean snapshotAgain = snapshot >= 0 && state.firstIndex <= snapshot;
        if (!snapshotAgain && (loses < tail.coveredFrom() || lowestAfterDamage < tail.coveredFrom())) {
            throw corrupt(rollCycle, fileOfCycle, badAt, badOrdinal, "record " + badReason + " (expected Raft index " + loses
                + "), " + followed + belowTheTailFiles(lowestAfterDamage, tail.coveredFrom(), loses));
        }
        kept.tornReason = badReason + " (followed by whole records and the latest compaction record: pages not yet forced,"
            + " lost out of order; the tail files hold the log from entry " + tail.coveredFrom()
            + (snapshotAgain ? " and the snapshot through entry " + snapshot : "") + ") at "
            + describe(rollCycle, fileOfCycle, badAt, badOrdinal);
        kept.lastSeenQueueIndex = lastSeenQueueIndex;
        return kept;
    }

    /** Strict replay: the rules every record after the latest compaction (or of a never-compacted log) obeys. */
    private static void replay(LogState state, Result result, byte kind, long index, long term, long qi, int ordinal,
                               int payloadLength, RollCycle rollCycle, IntFunction<String> fileOfCycle) {
        switch (kind) {
            case RecordFormat.TRUNCATE -> {
                if (index < state.firstIndex - 1 || index > state.lastIndex) {
                    throw corrupt(rollCycle, fileOfCycle, qi, ordinal, "truncate record to index " + index
                        + " outside the log [" + state.firstIndex + ", " + state.lastIndex + "]");
                }
                result.superseded += state.lastIndex - index;
                state.truncateAfter(index);
            }
            case RecordFormat.COMPACT -> throw corrupt(rollCycle, fileOfCycle, qi, ordinal, "a compaction record after the latest one");
            default -> {
                if (index > state.lastIndex + 1 || index < state.firstIndex) {
                    throw corrupt(rollCycle, fileOfCycle, qi, ordinal, "entry index " + index + " does not follow the log ["
                        + state.firstIndex + ", " + state.lastIndex + "] (gap or below the first index)");
                }
                if (index <= state.lastIndex) {
                    result.superseded += state.lastIndex - index + 1;
                    state.truncateAfter(index - 1);
                }
                long prevTerm = state.termAt(index - 1);
                if (term < prevTerm) {
                    throw corrupt(rollCycle, fileOfCycle, qi, ordinal, "entry " + index + " has term " + term
                        + " below the previous entry's term " + prevTerm);
                }
                state.appended(index, term, qi, ordinal);
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
    private static void replayBeforeMarker(LogState state, Result result, byte kind, long index, long term, long qi, int ordinal,
                                           long first) {
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
                state.appended(index, term, qi, ordinal);
            }
        }
    }

    /**
     * Where the latest whole compaction record is: {queue index, record in that document}, or {-1, 0}. Looks
     * through the cycle files from the newest back and stops at the first that holds one, reading each file
     * forwards. Chronicle reads backwards by moving to each previous index, a linear scan from its nearest index
     * entry every time: searching backwards was 60% of opening a journal of 8 M entries that was never compacted
     * (docs/ARCHITECTURE.md, Recovery). Forwards from the start when Chronicle cannot read a damaged file (it
     * fails an internal assertion).
     */
    private static long[] findLastCompaction(ExcerptTailer tailer, RollCycle rollCycle, RecordBuffer rec,
                                             CycleFileReads reads, long endAt) {
        long[] found = {-1, 0};
        try {
            if (tailer.queue() instanceof SingleChronicleQueue queue) {
                int first = queue.firstCycle();
                tailer.direction(TailerDirection.FORWARD);
                for (int cycle = queue.lastCycle(); found[0] < 0 && cycle >= first && cycle >= 0;
                     cycle = queue.nextCycle(cycle, TailerDirection.BACKWARD)) {
                    if (tailer.moveToCycle(cycle)) {
                        while (true) {
                            try (DocumentContext dc = tailer.readingDocument()) {
                                if (!dc.isPresent() || rollCycle.toCycle(dc.index()) != cycle || dc.index() > endAt) {
                                    break;
                                }
                                lastCompactionIn(dc, rec, found, reads);
                            }
                        }
                    }
                }
                return found;
            }
        } catch (AssertionError | RuntimeException | ParseException e) {
            found[0] = -1;
            found[1] = 0;
        }
        tailer.direction(TailerDirection.FORWARD).toStart();
        while (true) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent() || dc.index() > endAt) {
                    return found;
                }
                lastCompactionIn(dc, rec, found, reads);
            }
        }
    }

    /** Notes the last whole compaction record of the document, if any, in {@code found}. */
    private static void lastCompactionIn(DocumentContext dc, RecordBuffer rec, long[] found, CycleFileReads reads) {
        if (rec.loadDocument(dc.wire().bytes(), reads) != null) {
            return;
        }
        while (rec.hasNext()) {
            if (rec.next() != null) {
                return;
            }
            if (rec.kind() == RecordFormat.COMPACT) {
                found[0] = dc.index();
                found[1] = rec.ordinal;
            }
        }
    }

    static String describe(RollCycle rollCycle, IntFunction<String> fileOfCycle, long queueIndex) {
        int cycle = rollCycle.toCycle(queueIndex);
        return "queue index 0x" + Long.toHexString(queueIndex) + " (document " + rollCycle.toSequenceNumber(queueIndex)
            + " of file " + fileOfCycle.apply(cycle) + ")";
    }

    /** Names record {@code ordinal} of a document; legacy single-record documents read as before. */
    static String describe(RollCycle rollCycle, IntFunction<String> fileOfCycle, long queueIndex, int ordinal) {
        return ordinal == 0 ? describe(rollCycle, fileOfCycle, queueIndex)
            : "record " + ordinal + " of " + describe(rollCycle, fileOfCycle, queueIndex);
    }

    private static JournalCorruptedException corrupt(RollCycle rollCycle, IntFunction<String> fileOfCycle, long qi, int ordinal,
                                                     String what) {
        return new JournalCorruptedException("journal corrupted: " + what + ", at " + describe(rollCycle, fileOfCycle, qi, ordinal)
            + "; refusing to open (restore this node from a peer)");
    }
}
