package io.raftlog.net.codec;

import org.agrona.MutableDirectBuffer;

/** APPEND_ACK: {@code 8 clientId int64 | 16 firstSequence int64 | 24 firstIndex int64 | 32 count int32}. */
public final class AppendAckFrame extends Flyweight {
    public static final int CLIENT_ID_OFFSET = 8;
    public static final int FIRST_SEQUENCE_OFFSET = 16;
    public static final int FIRST_INDEX_OFFSET = 24;
    public static final int COUNT_OFFSET = 32;
    public static final int LENGTH = 36;

    @Override
    protected boolean accepts(int type) {
        return type == FrameType.APPEND_ACK;
    }

    @Override
    protected String validateBody() {
        return count() >= 0 ? null : "negative count " + count();
    }

    public int encode(MutableDirectBuffer buffer, int offset, long clientId, long firstSequence, long firstIndex, int count) {
        startEncode(buffer, offset, FrameType.APPEND_ACK, LENGTH);
        put64(CLIENT_ID_OFFSET, clientId);
        put64(FIRST_SEQUENCE_OFFSET, firstSequence);
        put64(FIRST_INDEX_OFFSET, firstIndex);
        put32(COUNT_OFFSET, count);
        return LENGTH;
    }

    public long clientId() {
        return i64(CLIENT_ID_OFFSET);
    }

    public long firstSequence() {
        return i64(FIRST_SEQUENCE_OFFSET);
    }

    public long firstIndex() {
        return i64(FIRST_INDEX_OFFSET);
    }

    public int count() {
        return i32(COUNT_OFFSET);
    }
}
