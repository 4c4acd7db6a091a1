package io.raftlog.net.codec;

import static io.raftlog.net.codec.PeerHeader.BODY_OFFSET;

import org.agrona.MutableDirectBuffer;

/**
 * LEADER_HINT: {@code peer header | 24 leaderId int32 | 28 address [u16][ASCII host:port]}. A leader tells
 * its peers where its client endpoint is, so followers can redirect clients with a usable address.
 */
public final class LeaderHintFrame extends PeerFrame {
    public static final int LEADER_ID_OFFSET = BODY_OFFSET;
    public static final int ADDRESS_OFFSET = BODY_OFFSET + 4;
    public static final int FIXED_LENGTH = ADDRESS_OFFSET + 2;
    /** The longest address a hint carries: as long as an ERROR's address field, where it is named to clients. */
    public static final int MAX_ADDRESS_LENGTH = 255;

    @Override
    protected boolean accepts(int type) {
        return type == FrameType.LEADER_HINT;
    }

    @Override
    protected String validateBody() {
        String bad = checkString(ADDRESS_OFFSET, "address");
        if (bad != null) {
            return bad;
        }
        if (u16(ADDRESS_OFFSET) > MAX_ADDRESS_LENGTH) {
            return "LEADER_HINT address of " + u16(ADDRESS_OFFSET) + " bytes; the limit is " + MAX_ADDRESS_LENGTH;
        }
        int end = ADDRESS_OFFSET + 2 + u16(ADDRESS_OFFSET);
        return end == length ? null : "LEADER_HINT has " + (length - end) + " bytes after its address";
    }

    public static int length(String address) {
        return FIXED_LENGTH + address.length();
    }

    /**
     * Encodes a hint; an empty address says the sender advertises none (name it by your own entry for it).
     *
     * @throws IllegalArgumentException for an address longer than {@link #MAX_ADDRESS_LENGTH}: cut, it would name
     *                                  another port
     */
    public int encode(MutableDirectBuffer buffer, int offset, int from, int to, long term, int leaderId, String address) {
        if (address.length() > MAX_ADDRESS_LENGTH) {
            throw new IllegalArgumentException("address of " + address.length() + " characters; the limit is " + MAX_ADDRESS_LENGTH);
        }
        int addressLength = address.length();
        startPeerFrame(buffer, offset, FrameType.LEADER_HINT, FIXED_LENGTH + addressLength, from, to, term);
        put32(LEADER_ID_OFFSET, leaderId);
        put16(ADDRESS_OFFSET, addressLength);
        buffer.putStringWithoutLengthAscii(offset + ADDRESS_OFFSET + 2, address, 0, addressLength);
        return length;
    }

    public int leaderId() {
        return i32(LEADER_ID_OFFSET);
    }

    /** Allocates; called once per leader change. */
    public String address() {
        return asciiString(ADDRESS_OFFSET);
    }
}
