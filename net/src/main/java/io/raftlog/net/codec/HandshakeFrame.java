package io.raftlog.net.codec;

import org.agrona.MutableDirectBuffer;

/**
 * HANDSHAKE (the connecting side's first frame) and HANDSHAKE_ACCEPT (the node's answer), one layout:
 * {@code 8 clusterId int64 | 16 nodeId int32 | 20 role u8 | 21 reserved(3) | 24 members int64}.
 * {@code members} is a digest of the node ids of the cluster as the sender was configured
 * ({@link #membersDigest}); a client sends 0.
 */
public final class HandshakeFrame extends Flyweight {
    public static final int CLUSTER_ID_OFFSET = 8;
    public static final int NODE_ID_OFFSET = 16;
    public static final int ROLE_OFFSET = 20;
    public static final int MEMBERS_OFFSET = 24;
    public static final int LENGTH = 32;

    @Override
    protected boolean accepts(int type) {
        return type == FrameType.HANDSHAKE || type == FrameType.HANDSHAKE_ACCEPT;
    }

    /** Encodes a whole frame; {@code type} is HANDSHAKE or HANDSHAKE_ACCEPT. Returns its length. */
    public int encode(MutableDirectBuffer buffer, int offset, int type, long clusterId, int nodeId, int role,
        long members) {
        startEncode(buffer, offset, type, LENGTH);
        put64(CLUSTER_ID_OFFSET, clusterId);
        put32(NODE_ID_OFFSET, nodeId);
        put8(ROLE_OFFSET, role);
        zero(ROLE_OFFSET + 1, 3);
        put64(MEMBERS_OFFSET, members);
        return LENGTH;
    }

    /**
     * The digest of a cluster's member ids (FNV-1a over them in ascending order; never 0). Two nodes started
     * with different member sets count majorities differently, and two such majorities need not overlap (3
     * nodes of {1,2,3,4,5} and 2 of {1,2,3} can be {3,4,5} and {1,2}): two leaders in one term. Nodes compare
     * digests in the handshake and refuse each other. Ids only, not addresses: a node may reach a peer by
     * another name (a proxy, NAT) than the peer's own configuration says.
     */
    public static long membersDigest(int[] memberIds) {
        int[] ids = memberIds.clone();
        java.util.Arrays.sort(ids);
        long h = 0xcbf29ce484222325L;
        for (int id : ids) {
            for (int shift = 0; shift < 32; shift += 8) {
                h ^= (id >>> shift) & 0xff;
                h *= 0x100000001b3L;
            }
        }
        return h == 0 ? 1 : h;
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

    public long members() {
        return i64(MEMBERS_OFFSET);
    }
}
