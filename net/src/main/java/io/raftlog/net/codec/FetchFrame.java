package io.raftlog.net.codec;

import org.agrona.MutableDirectBuffer;

/** FETCH: {@code 8 requestId int64 | 16 fromIndex int64 | 24 maxBytes int32 | 28 follow u8 | 29 reserved(3)}. */
public final class FetchFrame extends Flyweight {
    public static final int REQUEST_ID_OFFSET = 8;
    public static final int FROM_INDEX_OFFSET = 16;
    public static final int MAX_BYTES_OFFSET = 24;
    public static final int FOLLOW_OFFSET = 28;
    public static final int LENGTH = 32;

    @Override
    protected boolean accepts(int type) {
        return type == FrameType.FETCH;
    }

    @Override
    protected String validateBody() {
        int follow = u8(FOLLOW_OFFSET);
        return follow <= 1 ? null : "follow must be 0 or 1, was " + follow;
    }

    public int encode(MutableDirectBuffer buffer, int offset, long requestId, long fromIndex, int maxBytes, boolean follow) {
        startEncode(buffer, offset, FrameType.FETCH, LENGTH);
        put64(REQUEST_ID_OFFSET, requestId);
        put64(FROM_INDEX_OFFSET, fromIndex);
        put32(MAX_BYTES_OFFSET, maxBytes);
        put8(FOLLOW_OFFSET, follow ? 1 : 0);
        zero(FOLLOW_OFFSET + 1, 3);
        return LENGTH;
    }

    public long requestId() {
        return i64(REQUEST_ID_OFFSET);
    }

    public long fromIndex() {
        return i64(FROM_INDEX_OFFSET);
    }

    public int maxBytes() {
        return i32(MAX_BYTES_OFFSET);
    }

    public boolean follow() {
        return u8(FOLLOW_OFFSET) == 1;
    }
}
