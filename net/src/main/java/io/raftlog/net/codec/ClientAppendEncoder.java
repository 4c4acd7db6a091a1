package io.raftlog.net.codec;

import static io.raftlog.net.codec.Protocol.ORDER;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes an APPEND frame: {@code 8 clientId int64 | 16 firstSequence int64 | 24 count int32 | 28 payloads},
 * each payload {@code [length int32][bytes]}; payload i has sequence firstSequence + i.
 */
public final class ClientAppendEncoder extends Flyweight {
    public static final int CLIENT_ID_OFFSET = 8;
    public static final int FIRST_SEQUENCE_OFFSET = 16;
    public static final int COUNT_OFFSET = 24;
    public static final int PAYLOADS_OFFSET = 28;
    public static final int FIXED_LENGTH = PAYLOADS_OFFSET;
    public static final int PAYLOAD_HEADER_LENGTH = 4;
    /**
     * Header flag: the client sent these sequences before (a retry after a lost or refused answer). A node that
     * no longer remembers the client can then not rule out that they are in the log, and refuses them rather
     * than append a duplicate; without it they were never sent, so they cannot be.
     */
    public static final int FLAG_RESEND = 1;

    private int capacity;
    private int count;

    @Override
    protected boolean accepts(int type) {
        return false; // encoder only: read with ClientAppendDecoder
    }

    /** The frame length for {@code count} payloads of {@code payloadBytes} in total. */
    public static int frameLength(int count, int payloadBytes) {
        return FIXED_LENGTH + count * PAYLOAD_HEADER_LENGTH + payloadBytes;
    }

    public ClientAppendEncoder wrap(MutableDirectBuffer buffer, int offset, int capacity, long clientId, long firstSequence) {
        if (capacity < FIXED_LENGTH) {
            throw new IllegalArgumentException("capacity " + capacity + " below the fixed part " + FIXED_LENGTH);
        }
        startEncode(buffer, offset, FrameType.APPEND, FIXED_LENGTH);
        this.capacity = capacity;
        this.count = 0;
        put64(CLIENT_ID_OFFSET, clientId);
        put64(FIRST_SEQUENCE_OFFSET, firstSequence);
        put32(COUNT_OFFSET, 0);
        return this;
    }

    /** Sets {@link #FLAG_RESEND} in the frame being written. */
    public ClientAppendEncoder markResend() {
        out.putShort(offset + Protocol.FLAGS_OFFSET, (short) FLAG_RESEND, ORDER);
        return this;
    }

    /** Adds a payload if it fits in the capacity; returns false (and adds nothing) otherwise. */
    public boolean add(DirectBuffer payload, int payloadOffset, int payloadLength) {
        if (length + PAYLOAD_HEADER_LENGTH + payloadLength > capacity) {
            return false;
        }
        out.putInt(offset + length, payloadLength, ORDER);
        out.putBytes(offset + length + PAYLOAD_HEADER_LENGTH, payload, payloadOffset, payloadLength);
        count++;
        put32(COUNT_OFFSET, count);
        setLength(length + PAYLOAD_HEADER_LENGTH + payloadLength);
        return true;
    }

    public int count() {
        return count;
    }
}
