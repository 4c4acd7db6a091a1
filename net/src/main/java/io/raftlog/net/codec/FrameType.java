package io.raftlog.net.codec;

/** Frame type numbers and the length of each type's fixed part (header included); see docs/PROTOCOL.md. */
public final class FrameType {
    public static final int HANDSHAKE = 0x01;
    public static final int HANDSHAKE_ACCEPT = 0x02;
    public static final int ERROR = 0x03;

    public static final int PRE_VOTE = 0x10;
    public static final int PRE_VOTE_RESPONSE = 0x11;
    public static final int VOTE = 0x12;
    public static final int VOTE_RESPONSE = 0x13;
    public static final int APPEND_ENTRIES = 0x14;
    public static final int APPEND_ENTRIES_RESPONSE = 0x15;
    public static final int LEADER_HINT = 0x16;
    public static final int SNAPSHOT = 0x17;

    public static final int APPEND = 0x20;
    public static final int APPEND_ACK = 0x21;
    public static final int FETCH = 0x22;
    public static final int CANCEL = 0x23;
    public static final int ENTRIES = 0x24;
    public static final int END_OF_LOG = 0x25;
    public static final int COMPACTED = 0x26;
    public static final int STATUS_REQUEST = 0x27;
    public static final int STATUS = 0x28;

    private static final int[] FIXED_LENGTH = new int[256];
    private static final boolean[] FIXED_SIZE = new boolean[256];
    private static final String[] NAMES = new String[256];

    static {
        define(HANDSHAKE, "HANDSHAKE", HandshakeFrame.LENGTH, true);
        define(HANDSHAKE_ACCEPT, "HANDSHAKE_ACCEPT", HandshakeFrame.LENGTH, true);
        define(ERROR, "ERROR", ErrorFrame.FIXED_LENGTH, false);
        define(PRE_VOTE, "PRE_VOTE", VoteRequestFrame.LENGTH, true);
        define(PRE_VOTE_RESPONSE, "PRE_VOTE_RESPONSE", VoteResponseFrame.LENGTH, true);
        define(VOTE, "VOTE", VoteRequestFrame.LENGTH, true);
        define(VOTE_RESPONSE, "VOTE_RESPONSE", VoteResponseFrame.LENGTH, true);
        define(APPEND_ENTRIES, "APPEND_ENTRIES", AppendEntriesEncoder.FIXED_LENGTH, false);
        define(APPEND_ENTRIES_RESPONSE, "APPEND_ENTRIES_RESPONSE", AppendEntriesResponseFrame.LENGTH, true);
        define(LEADER_HINT, "LEADER_HINT", LeaderHintFrame.FIXED_LENGTH, false);
        define(SNAPSHOT, "SNAPSHOT", SnapshotFrame.LENGTH, true);
        define(APPEND, "APPEND", ClientAppendEncoder.FIXED_LENGTH, false);
        define(APPEND_ACK, "APPEND_ACK", AppendAckFrame.LENGTH, true);
        define(FETCH, "FETCH", FetchFrame.LENGTH, true);
        define(CANCEL, "CANCEL", RequestIdFrame.LENGTH, true);
        define(ENTRIES, "ENTRIES", EntriesEncoder.FIXED_LENGTH, false);
        define(END_OF_LOG, "END_OF_LOG", EndOfLogFrame.LENGTH, true);
        define(COMPACTED, "COMPACTED", CompactedFrame.LENGTH, true);
        define(STATUS_REQUEST, "STATUS_REQUEST", RequestIdFrame.LENGTH, true);
        define(STATUS, "STATUS", StatusFrame.FIXED_LENGTH, false);
    }

    private FrameType() {
    }

    private static void define(int type, String name, int fixedLength, boolean fixedSize) {
        NAMES[type] = name;
        FIXED_LENGTH[type] = fixedLength;
        FIXED_SIZE[type] = fixedSize;
    }

    public static boolean isKnown(int type) {
        return type >= 0 && type < 256 && NAMES[type] != null;
    }

    /** The smallest valid frame of the type, header included; 0 for an unknown type. */
    public static int fixedLength(int type) {
        return isKnown(type) ? FIXED_LENGTH[type] : 0;
    }

    /** True for types whose frames have exactly {@link #fixedLength} bytes. */
    public static boolean isFixedSize(int type) {
        return isKnown(type) && FIXED_SIZE[type];
    }

    public static String name(int type) {
        return isKnown(type) ? NAMES[type] : "UNKNOWN(0x" + Integer.toHexString(type) + ")";
    }

    /** Raft messages between nodes (0x10-0x1F). */
    public static boolean isPeer(int type) {
        return type >= 0x10 && type <= 0x1F && isKnown(type);
    }

    /** What a client may send a node. */
    public static boolean isClientRequest(int type) {
        return type == APPEND || type == FETCH || type == CANCEL || type == STATUS_REQUEST;
    }

    /** What a node sends a client. */
    public static boolean isClientResponse(int type) {
        return type == APPEND_ACK || type == ENTRIES || type == END_OF_LOG || type == COMPACTED || type == STATUS;
    }
}
