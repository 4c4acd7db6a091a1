package io.raftlog.journal;

import java.nio.file.Path;

import org.agrona.DirectBuffer;
import org.agrona.collections.LongArrayList;

/**
 * How the tail files' records are laid over the log the cycle files hold at open: the rule a node applies
 * ({@link ChronicleJournal}) and the one {@code raftlog journal verify} previews ({@link JournalInspector}),
 * kept in one place so the two never disagree.
 *
 * <ul>
 * <li>replaced by a later record (the tail files show a truncation only as a record whose index is not above
 *     the one before it): not replayed, since the log may hold the replacement already and laying the old
 *     entry over it would undo the truncation;</li>
 * <li>below the first index: compacted since; those cycle files were forced before they went;</li>
 * <li>an index the log holds in the same term: the same entry (one leader per term, which never changes its
 *     own entries), skipped;</li>
 * <li>an index the log holds in another term: the log is cut there and the record appended;</li>
 * <li>the index just after the log's end: appended;</li>
 * <li>beyond that: the cycle files lost entries the tail does not cover, {@link JournalCorruptedException}.</li>
 * </ul>
 * A {@code COMPACT} record in the tail files is a snapshot the log installed ({@link ChronicleJournal#installSnapshot}):
 * the whole log before it was dropped, so the tail's records before the last such marker are not replayed, and
 * the snapshot is installed again if the cycle files lost their copy of the marker. A {@code TRUNCATE} record is
 * a truncation of entries the tail files held, forced before the cycle files heard of it
 * ({@link ChronicleJournal#truncateAfter}): a cut like the one a lower record shows, for the time before any
 * record of the replacing suffix reaches the tail files. It changes nothing itself: whatever of the suffix was
 * made durable follows it, and the cycle files either hold the truncation or, having lost it, the old entries,
 * which the node had made durable and may keep (nothing after the truncation was acknowledged).
 */
final class TailReplay {
    /** What replaying changes; the caller's log state must follow these calls. */
    interface Changes {
        void truncateAfter(long index);

        void append(long index, long term, byte kind, DirectBuffer payload, int offset, int length);

        void installSnapshot(long index, long term);
    }

    /** What a replay found: records read from the tail files, and how many of them changed the log. */
    record Outcome(long records, long restored) {
    }

    private TailReplay() {
    }

    /**
     * What a first read of the tail files finds: the last {@code COMPACT} marker, after it every truncation they
     * show, and from which index they hold the log. The tail files record a truncation only by what follows it: the
     * flusher copies entries in index order, so a record whose index is not above the one before it starts a suffix
     * that replaced every earlier record from that index on (which the log's cycle files may already hold the other
     * way round). One plan serves one {@link #apply}.
     */
    static final class Plan {
        private long lastMarker = -1;
        private long coveredFrom = Long.MAX_VALUE;
        private long snapshotThrough = -1;
        /** Ordinals of the records that start a replacing suffix, and the lowest index cut at or after each. */
        private final LongArrayList ordinals = new LongArrayList();
        private long[] lowestFrom;
        private int next;

        /**
         * The lowest index from which the tail files hold the log (their records after the last {@code COMPACT}
         * marker, and the marker's own first index), or {@link Long#MAX_VALUE} if they hold nothing: every entry
         * made durable from there on is in them, whatever the cycle files lost.
         */
        long coveredFrom() {
            return coveredFrom;
        }

        /**
         * The last index of the snapshot the tail files' last {@code COMPACT} marker installed, or -1 if they hold
         * none: {@link #apply} installs it again over any log whose first index is at or below it, replacing every
         * entry through it.
         */
        long snapshotThrough() {
            return snapshotThrough;
        }

        private static Plan of(Path dir) {
            Plan cuts = new Plan();
            LongArrayList indexes = new LongArrayList();
            long[] seen = {0, -1}; // records so far, the index of the previous entry record
            TailWal.replay(dir, (kind, index, term, buffer, offset, length) -> {
                long ordinal = seen[0]++;
                if (kind == RecordFormat.COMPACT) {
                    cuts.lastMarker = ordinal; // what came before is not replayed: neither are its cuts
                    cuts.coveredFrom = index;
                    cuts.snapshotThrough = buffer.getLong(offset);
                    cuts.ordinals.clear();
                    indexes.clear();
                    seen[1] = -1;
                    return;
                }
                if (kind == RecordFormat.TRUNCATE) { // keeps the log through index: a cut from index + 1
                    cuts.coveredFrom = Math.min(cuts.coveredFrom, index + 1);
                    cuts.ordinals.addLong(ordinal);
                    indexes.addLong(index + 1);
                    seen[1] = index;
                    return;
                }
                cuts.coveredFrom = Math.min(cuts.coveredFrom, index);
                if (seen[1] >= 0 && index <= seen[1]) {
                    cuts.ordinals.addLong(ordinal);
                    indexes.addLong(index);
                }
                seen[1] = index;
            });
            cuts.lowestFrom = new long[indexes.size()];
            long lowest = Long.MAX_VALUE;
            for (int i = indexes.size() - 1; i >= 0; i--) {
                lowest = Math.min(lowest, indexes.getLong(i));
                cuts.lowestFrom[i] = lowest;
            }
            return cuts;
        }

        /** Records are asked about in ordinal order: whether a later cut reaches down to {@code index}. */
        boolean replacedLater(long ordinal, long index) {
            while (next < ordinals.size() && ordinals.getLong(next) <= ordinal) {
                next++;
            }
            return next < ordinals.size() && lowestFrom[next] <= index;
        }
    }

    /** The first read of the tail files of {@code dir} (none there: a plan that replays nothing). */
    static Plan plan(Path dir) {
        return Plan.of(dir);
    }

    /** The second read: lays the records {@code plan} keeps over {@code state}. */
    static Outcome apply(Path dir, Plan cuts, LogState state, Changes changes) {
        long[] counts = new long[2];
        TailWal.replay(dir, (kind, index, term, buffer, offset, length) -> {
            long ordinal = counts[0]++;
            if (ordinal < cuts.lastMarker) {
                return; // a record of the log the snapshot dropped
            }
            if (kind == RecordFormat.TRUNCATE) {
                return; // a cut only: see the class comment
            }
            if (kind != RecordFormat.COMPACT && cuts.replacedLater(ordinal, index)) {
                return; // a truncation after it replaced this entry: laid over the log it would undo that
            }
            if (kind == RecordFormat.COMPACT) {
                long snapshotLast = buffer.getLong(offset);
                if (state.firstIndex <= snapshotLast) {
                    changes.installSnapshot(snapshotLast, term);
                    counts[1]++;
                }
                return;
            }
            if (index < state.firstIndex) {
                return;
            }
            if (index <= state.lastIndex) {
                if (state.termAt(index) == term) {
                    return;
                }
                changes.truncateAfter(index - 1);
            } else if (index > state.lastIndex + 1) {
                throw new JournalCorruptedException("journal " + dir + ": its tail files hold entry " + index
                    + " but the cycle files end at entry " + state.lastIndex + " (entries in between are lost); refusing to open");
            }
            changes.append(index, term, kind, buffer, offset, length);
            counts[1]++;
        });
        return new Outcome(counts[0], counts[1]);
    }
}
