package io.raftlog.net.codec;

import org.agrona.MutableDirectBuffer;

/** COMPACTED: {@code 8 requestId int64 | 16 firstIndex int64}: the fetch asked below the log's first index. */
public final class CompactedFrame extends Flyweight {
    public static final int REQUEST_ID_OFFSET = 8;
    public static final int FIRST_INDEX_OFFSET = 16;
    public static final int LENGTH = 24;

    @Override
    protected boolean accepts(int type) {
        return type == FrameType.COMPACTED;
    }

    public int encode(MutableDirectBuffer buffer, int offset, long requestId, long firstIndex) {
        startEncode(buffer, offset, FrameType.COMPACTED, LENGTH);
        put64(REQUEST_ID_OFFSET, requestId);
        put64(FIRST_INDEX_OFFSET, firstIndex);
        return LENGTH;
    }

    public long requestId() {
        return i64(REQUEST_ID_OFFSET);
    }

    public long firstIndex() {
        return i64(FIRST_INDEX_OFFSET);
    }
}
