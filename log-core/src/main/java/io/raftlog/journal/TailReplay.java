package io.raftlog.journal;

import java.nio.file.Path;

import org.agrona.DirectBuffer;

/**
 * How the tail files' records are laid over the log the cycle files hold at open: the rule a node applies
 * ({@link ChronicleJournal}) and the one {@code raftlog journal verify} previews ({@link JournalInspector}),
 * kept in one place so the two never disagree.
 *
 * <ul>
 * <li>below the first index: compacted since; those cycle files were forced before they went;</li>
 * <li>an index the log holds in the same term: the same entry (one leader per term, which never changes its
 *     own entries), skipped;</li>
 * <li>an index the log holds in another term: the log is cut there and the record appended;</li>
 * <li>the index just after the log's end: appended;</li>
 * <li>beyond that: the cycle files lost entries the tail does not cover, {@link JournalCorruptedException}.</li>
 * </ul>
 * A {@code COMPACT} record in the tail files is a snapshot the log installed ({@link ChronicleJournal#installSnapshot}):
 * the whole log before it was dropped, so the tail's records before the last such marker are not replayed, and
 * the snapshot is installed again if the cycle files lost their copy of the marker.
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

    static Outcome apply(Path dir, LogState state, Changes changes) {
        long[] lastMarker = {-1, 0};
        TailWal.replay(dir, (kind, index, term, buffer, offset, length) -> {
            if (kind == RecordFormat.COMPACT) {
                lastMarker[0] = lastMarker[1];
            }
            lastMarker[1]++;
        });
        long[] counts = new long[2];
        TailWal.replay(dir, (kind, index, term, buffer, offset, length) -> {
            long ordinal = counts[0]++;
            if (ordinal < lastMarker[0]) {
                return; // a record of the log the snapshot dropped
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
