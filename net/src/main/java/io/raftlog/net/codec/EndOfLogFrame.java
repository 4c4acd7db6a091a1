package io.raftlog.net.codec;

import org.agrona.MutableDirectBuffer;

/**
 * END_OF_LOG: {@code 8 requestId int64 | 16 nextIndex int64 | 24 commitIndex int64}. Every committed
 * entry before nextIndex was sent.
 */
public final class EndOfLogFrame extends Flyweight {
    public static final int REQUEST_ID_OFFSET = 8;
    public static final int NEXT_INDEX_OFFSET = 16;
    public static final int COMMIT_INDEX_OFFSET = 24;
    public static final int LENGTH = 32;

    @Override
    protected boolean accepts(int type) {
        return type == FrameType.END_OF_LOG;
    }

    public int encode(MutableDirectBuffer buffer, int offset, long requestId, long nextIndex, long commitIndex) {
        startEncode(buffer, offset, FrameType.END_OF_LOG, LENGTH);
        put64(REQUEST_ID_OFFSET, requestId);
        put64(NEXT_INDEX_OFFSET, nextIndex);
        put64(COMMIT_INDEX_OFFSET, commitIndex);
        return LENGTH;
    }

    public long requestId() {
        return i64(REQUEST_ID_OFFSET);
    }

    public long nextIndex() {
        return i64(NEXT_INDEX_OFFSET);
    }

    public long commitIndex() {
        return i64(COMMIT_INDEX_OFFSET);
    }
}
