package io.raftlog.net.codec;

import org.agrona.MutableDirectBuffer;

/**
 * HANDSHAKE (the connecting side's first frame) and HANDSHAKE_ACCEPT (the node's answer), one layout:
 * {@code 8 clusterId int64 | 16 nodeId int32 | 20 role u8 | 21 reserved(3)}.
 */
public final class HandshakeFrame extends Flyweight {
    public static final int CLUSTER_ID_OFFSET = 8;
    public static final int NODE_ID_OFFSET = 16;
    public static final int ROLE_OFFSET = 20;
    public static final int LENGTH = 24;

    @Override
    protected boolean accepts(int type) {
        return type == FrameType.HANDSHAKE || type == FrameType.HANDSHAKE_ACCEPT;
    }

    /** Encodes a whole frame; {@code type} is HANDSHAKE or HANDSHAKE_ACCEPT. Returns its length. */
    public int encode(MutableDirectBuffer buffer, int offset, int type, long clusterId, int nodeId, int role) {
        startEncode(buffer, offset, type, LENGTH);
        put64(CLUSTER_ID_OFFSET, clusterId);
        put32(NODE_ID_OFFSET, nodeId);
        put8(ROLE_OFFSET, role);
        zero(ROLE_OFFSET + 1, 3);
        return LENGTH;
    }

    public long clusterId() {
        return i64(CLUSTER_ID_OFFSET);
    }

    public int nodeId() {
        return i32(NODE_ID_OFFSET);
    }

    public int role() {
        return u8(ROLE_OFFSET);
    }
}
