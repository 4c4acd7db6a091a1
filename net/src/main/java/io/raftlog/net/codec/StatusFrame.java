package io.raftlog.net.codec;

import static io.raftlog.net.codec.Protocol.ORDER;

import io.raftlog.raft.Role;
import org.agrona.MutableDirectBuffer;

/**
 * STATUS: {@code 8 requestId int64 | 16 nodeId int32 | 20 role u8 | 21 reserved(3) | 24 term int64 |
 * 32 leaderId int32 | 36 peerCount int32 | 40 commitIndex | 48 firstIndex | 56 lastIndex |
 * 64 durableIndex (int64 each) | 72 peers}, each peer {@code [nodeId int32][millisSinceHeard int32][matchIndex int64]}:
 * the leader's view of each follower, how long ago it last answered (from when the leader took over; capped at
 * 2^31-1) and what it acknowledged.
 */
public final class StatusFrame extends Flyweight {
    public static final int REQUEST_ID_OFFSET = 8;
    public static final int NODE_ID_OFFSET = 16;
    public static final int ROLE_OFFSET = 20;
    public static final int TERM_OFFSET = 24;
    public static final int LEADER_ID_OFFSET = 32;
    public static final int PEER_COUNT_OFFSET = 36;
    public static final int COMMIT_INDEX_OFFSET = 40;
    public static final int FIRST_INDEX_OFFSET = 48;
    public static final int LAST_INDEX_OFFSET = 56;
    public static final int DURABLE_INDEX_OFFSET = 64;
    public static final int PEERS_OFFSET = 72;
    public static final int FIXED_LENGTH = PEERS_OFFSET;
    public static final int PEER_LENGTH = 16;

    public static final int ROLE_FOLLOWER = 1;
    public static final int ROLE_PRE_CANDIDATE = 2;
    public static final int ROLE_CANDIDATE = 3;
    public static final int ROLE_LEADER = 4;

    @Override
    protected boolean accepts(int type) {
        return type == FrameType.STATUS;
    }

    @Override
    protected String validateBody() {
        int peers = peerCount();
        if (peers < 0 || peers > (length - FIXED_LENGTH) / PEER_LENGTH) {
            return "peer count " + peers + " does not fit a STATUS frame of " + length + " bytes";
        }
        if (FIXED_LENGTH + peers * PEER_LENGTH != length) {
            return "STATUS frame of " + length + " bytes does not match its " + peers + " peers";
        }
        int role = u8(ROLE_OFFSET);
        return role >= ROLE_FOLLOWER && role <= ROLE_LEADER ? null : "unknown role " + role;
    }

    public static int roleCode(Role role) {
        return switch (role) {
            case FOLLOWER -> ROLE_FOLLOWER;
            case PRE_CANDIDATE -> ROLE_PRE_CANDIDATE;
            case CANDIDATE -> ROLE_CANDIDATE;
            case LEADER -> ROLE_LEADER;
        };
    }

    public static Role role(int code) {
        return switch (code) {
            case ROLE_FOLLOWER -> Role.FOLLOWER;
            case ROLE_PRE_CANDIDATE -> Role.PRE_CANDIDATE;
            case ROLE_CANDIDATE -> Role.CANDIDATE;
            case ROLE_LEADER -> Role.LEADER;
            default -> throw new IllegalArgumentException("unknown role code " + code);
        };
    }

    public static int frameLength(int peerCount) {
        return FIXED_LENGTH + peerCount * PEER_LENGTH;
    }

    /** Writes every fixed field with no peers; add them with {@link #addPeer}. */
    public StatusFrame wrap(MutableDirectBuffer buffer, int offset, long requestId, int nodeId, Role role, long term,
                            int leaderId, long commitIndex, long firstIndex, long lastIndex, long durableIndex) {
        startEncode(buffer, offset, FrameType.STATUS, FIXED_LENGTH);
        put64(REQUEST_ID_OFFSET, requestId);
        put32(NODE_ID_OFFSET, nodeId);
        put8(ROLE_OFFSET, roleCode(role));
        zero(ROLE_OFFSET + 1, 3);
        put64(TERM_OFFSET, term);
        put32(LEADER_ID_OFFSET, leaderId);
        put32(PEER_COUNT_OFFSET, 0);
        put64(COMMIT_INDEX_OFFSET, commitIndex);
        put64(FIRST_INDEX_OFFSET, firstIndex);
        put64(LAST_INDEX_OFFSET, lastIndex);
        put64(DURABLE_INDEX_OFFSET, durableIndex);
        return this;
    }

    public StatusFrame addPeer(int peerId, long matchIndex, long millisSinceHeard) {
        int n = peerCount();
        int at = offset + PEERS_OFFSET + n * PEER_LENGTH;
        out.putInt(at, peerId, ORDER);
        out.putInt(at + 4, (int) Math.min(Integer.MAX_VALUE, Math.max(0, millisSinceHeard)), ORDER);
        out.putLong(at + 8, matchIndex, ORDER);
        put32(PEER_COUNT_OFFSET, n + 1);
        setLength(FIXED_LENGTH + (n + 1) * PEER_LENGTH);
        return this;
    }

    public long requestId() {
        return i64(REQUEST_ID_OFFSET);
    }

    public int nodeId() {
        return i32(NODE_ID_OFFSET);
    }

    public Role role() {
        return role(u8(ROLE_OFFSET));
    }

    public long term() {
        return i64(TERM_OFFSET);
    }

    public int leaderId() {
        return i32(LEADER_ID_OFFSET);
    }

    public int peerCount() {
        return i32(PEER_COUNT_OFFSET);
    }

    public long commitIndex() {
        return i64(COMMIT_INDEX_OFFSET);
    }

    public long firstIndex() {
        return i64(FIRST_INDEX_OFFSET);
    }

    public long lastIndex() {
        return i64(LAST_INDEX_OFFSET);
    }

    public long durableIndex() {
        return i64(DURABLE_INDEX_OFFSET);
    }

    public int peerId(int i) {
        return buffer.getInt(offset + PEERS_OFFSET + i * PEER_LENGTH, ORDER);
    }

    public long peerMatchIndex(int i) {
        return buffer.getLong(offset + PEERS_OFFSET + i * PEER_LENGTH + 8, ORDER);
    }

    /** How long ago, in milliseconds, the leader last heard from peer {@code i}. */
    public int peerMillisSinceHeard(int i) {
        return buffer.getInt(offset + PEERS_OFFSET + i * PEER_LENGTH + 4, ORDER);
    }
}
