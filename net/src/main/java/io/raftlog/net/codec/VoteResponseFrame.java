package io.raftlog.net.codec;

import static io.raftlog.net.codec.PeerHeader.BODY_OFFSET;

import org.agrona.MutableDirectBuffer;

/** PRE_VOTE_RESPONSE and VOTE_RESPONSE: {@code peer header | 24 granted u8 | 25 reserved(7)}. */
public final class VoteResponseFrame extends PeerFrame {
    public static final int GRANTED_OFFSET = BODY_OFFSET;
    public static final int LENGTH = BODY_OFFSET + 8;

    @Override
    protected boolean accepts(int type) {
        return type == FrameType.PRE_VOTE_RESPONSE || type == FrameType.VOTE_RESPONSE;
    }

    @Override
    protected String validateBody() {
        int granted = u8(GRANTED_OFFSET);
        return granted <= 1 ? null : "granted must be 0 or 1, was " + granted;
    }

    public int encode(MutableDirectBuffer buffer, int offset, int type, int from, int to, long term, boolean granted) {
        startPeerFrame(buffer, offset, type, LENGTH, from, to, term);
        put8(GRANTED_OFFSET, granted ? 1 : 0);
        zero(GRANTED_OFFSET + 1, 7);
        return LENGTH;
    }

    public boolean granted() {
        return u8(GRANTED_OFFSET) == 1;
    }
}
