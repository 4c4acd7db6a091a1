package io.raftlog.net.codec;

import static io.raftlog.net.codec.PeerHeader.BODY_OFFSET;
import static io.raftlog.net.codec.PeerHeader.TERM_OFFSET;

import org.agrona.MutableDirectBuffer;

/** PRE_VOTE and VOTE: {@code peer header | 24 lastLogIndex int64 | 32 lastLogTerm int64}. */
public final class VoteRequestFrame extends PeerFrame {
    public static final int LAST_LOG_INDEX_OFFSET = BODY_OFFSET;
    public static final int LAST_LOG_TERM_OFFSET = BODY_OFFSET + 8;
    public static final int LENGTH = BODY_OFFSET + 16;

    @Override
    protected boolean accepts(int type) {
        return type == FrameType.PRE_VOTE || type == FrameType.VOTE;
    }

    public int encode(MutableDirectBuffer buffer, int offset, int type, int from, int to, long term,
                      long lastLogIndex, long lastLogTerm) {
        startPeerFrame(buffer, offset, type, LENGTH, from, to, term);
        put64(LAST_LOG_INDEX_OFFSET, lastLogIndex);
        put64(LAST_LOG_TERM_OFFSET, lastLogTerm);
        return LENGTH;
    }

    public long lastLogIndex() {
        return i64(LAST_LOG_INDEX_OFFSET);
    }

    public long lastLogTerm() {
        return i64(LAST_LOG_TERM_OFFSET);
    }
}
