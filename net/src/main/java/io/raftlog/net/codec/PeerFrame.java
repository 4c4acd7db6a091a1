package io.raftlog.net.codec;

import static io.raftlog.net.codec.PeerHeader.FROM_OFFSET;
import static io.raftlog.net.codec.PeerHeader.TERM_OFFSET;
import static io.raftlog.net.codec.PeerHeader.TO_OFFSET;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** A frame between nodes: each starts with the peer header, who sends it, to whom, in which term. */
public abstract class PeerFrame extends Flyweight {

    /** Starts a frame of {@code type} and writes its peer header. */
    protected final void startPeerFrame(MutableDirectBuffer buffer, int offset, int type, int frameLength, int from, int to,
                                        long term) {
        startEncode(buffer, offset, type, frameLength);
        put32(FROM_OFFSET, from);
        put32(TO_OFFSET, to);
        put64(TERM_OFFSET, term);
    }

    /**
     * The sender named in the peer frame at {@code offset}, read without wrapping it; -1 if the frame is shorter
     * than the peer header (the transport's header check already refuses such frames).
     */
    public static int sender(DirectBuffer buffer, int offset, int length) {
        return length < PeerHeader.BODY_OFFSET ? -1 : buffer.getInt(offset + FROM_OFFSET, Protocol.ORDER);
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
}
