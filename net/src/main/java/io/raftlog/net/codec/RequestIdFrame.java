package io.raftlog.net.codec;

import org.agrona.MutableDirectBuffer;

/** CANCEL and STATUS_REQUEST, which carry only {@code 8 requestId int64}. */
public final class RequestIdFrame extends Flyweight {
    public static final int REQUEST_ID_OFFSET = 8;
    public static final int LENGTH = 16;

    @Override
    protected boolean accepts(int type) {
        return type == FrameType.CANCEL || type == FrameType.STATUS_REQUEST;
    }

    /** {@code type} is CANCEL or STATUS_REQUEST. */
    public int encode(MutableDirectBuffer buffer, int offset, int type, long requestId) {
        startEncode(buffer, offset, type, LENGTH);
        put64(REQUEST_ID_OFFSET, requestId);
        return LENGTH;
    }

    public long requestId() {
        return i64(REQUEST_ID_OFFSET);
    }
}
