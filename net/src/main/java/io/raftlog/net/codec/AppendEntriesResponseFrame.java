package io.raftlog.net.codec;

import static io.raftlog.net.codec.PeerHeader.BODY_OFFSET;
import static io.raftlog.net.codec.PeerHeader.TERM_OFFSET;

import org.agrona.MutableDirectBuffer;

/**
 * APPEND_ENTRIES_RESPONSE: {@code peer header | 24 success u8 | 25 reserved(7) | 32 matchIndex int64 |
 * 40 conflictTerm int64 | 48 conflictIndex int64}.
 */
public final class AppendEntriesResponseFrame extends PeerFrame {
    public static final int SUCCESS_OFFSET = BODY_OFFSET;
    public static final int MATCH_INDEX_OFFSET = BODY_OFFSET + 8;
    public static final int CONFLICT_TERM_OFFSET = BODY_OFFSET + 16;
    public static final int CONFLICT_INDEX_OFFSET = BODY_OFFSET + 24;
    public static final int LENGTH = BODY_OFFSET + 32;

    @Override
    protected boolean accepts(int type) {
        return type == FrameType.APPEND_ENTRIES_RESPONSE;
    }

    @Override
    protected String validateBody() {
        int success = u8(SUCCESS_OFFSET);
        return success <= 1 ? null : "success must be 0 or 1, was " + success;
    }

    public int encode(MutableDirectBuffer buffer, int offset, int from, int to, long term, boolean success,
                      long matchIndex, long conflictTerm, long conflictIndex) {
        startPeerFrame(buffer, offset, FrameType.APPEND_ENTRIES_RESPONSE, LENGTH, from, to, term);
        put8(SUCCESS_OFFSET, success ? 1 : 0);
        zero(SUCCESS_OFFSET + 1, 7);
        put64(MATCH_INDEX_OFFSET, matchIndex);
        put64(CONFLICT_TERM_OFFSET, conflictTerm);
        put64(CONFLICT_INDEX_OFFSET, conflictIndex);
        return LENGTH;
    }

    public boolean success() {
        return u8(SUCCESS_OFFSET) == 1;
    }

    public long matchIndex() {
        return i64(MATCH_INDEX_OFFSET);
    }

    public long conflictTerm() {
        return i64(CONFLICT_TERM_OFFSET);
    }

    public long conflictIndex() {
        return i64(CONFLICT_INDEX_OFFSET);
    }
}
