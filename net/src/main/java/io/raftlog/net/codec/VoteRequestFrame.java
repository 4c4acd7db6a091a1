package io.raftlog.net.codec;

import static io.raftlog.net.codec.PeerHeader.BODY_OFFSET;
import static io.raftlog.net.codec.PeerHeader.FROM_OFFSET;
import static io.raftlog.net.codec.PeerHeader.TERM_OFFSET;
import static io.raftlog.net.codec.PeerHeader.TO_OFFSET;

import org.agrona.MutableDirectBuffer;

/** PRE_VOTE and VOTE: {@code peer header | 24 lastLogIndex int64 | 32 lastLogTerm int64}. */
public final class VoteRequestFrame extends Flyweight {
    public static final int LAST_LOG_INDEX_OFFSET = BODY_OFFSET;
    public static final int LAST_LOG_TERM_OFFSET = BODY_OFFSET + 8;
    public static final int LENGTH = BODY_OFFSET + 16;

    @Override
    protected boolean accepts(int type) {
        return type == FrameType.PRE_VOTE || type == FrameType.VOTE;
    }

    public int encode(MutableDirectBuffer buffer, int offset, int type, int from, int to, long term,
                      long lastLogIndex, long lastLogTerm) {
        startEncode(buffer, offset, type, LENGTH);
        put32(FROM_OFFSET, from);
        put32(TO_OFFSET, to);
        put64(TERM_OFFSET, term);
        put64(LAST_LOG_INDEX_OFFSET, lastLogIndex);
        put64(LAST_LOG_TERM_OFFSET, lastLogTerm);
        return LENGTH;
    }

    public int from() {
        return i32(FROM_OFFSET);
    }

    public int to() {
        return i32(TO_OFFSET);
    }

    public long term() {
        return i64(TERM_OFFSET);
    }

    public long lastLogIndex() {
        return i64(LAST_LOG_INDEX_OFFSET);
    }

    public long lastLogTerm() {
        return i64(LAST_LOG_TERM_OFFSET);
    }
}
