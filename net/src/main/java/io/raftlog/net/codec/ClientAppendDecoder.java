package io.raftlog.net.codec;

import static io.raftlog.net.codec.ClientAppendEncoder.CLIENT_ID_OFFSET;
import static io.raftlog.net.codec.ClientAppendEncoder.COUNT_OFFSET;
import static io.raftlog.net.codec.ClientAppendEncoder.FIRST_SEQUENCE_OFFSET;
import static io.raftlog.net.codec.ClientAppendEncoder.PAYLOADS_OFFSET;
import static io.raftlog.net.codec.ClientAppendEncoder.PAYLOAD_HEADER_LENGTH;
import static io.raftlog.net.codec.Protocol.ORDER;

/**
 * Reads a received APPEND in place: {@link #wrap} checks every payload length against the frame and
 * records payload offsets in a preallocated, bounded array. A count of 0 parses (the server answers it
 * with INVALID, which keeps the connection).
 */
public final class ClientAppendDecoder extends Flyweight {
    private final int[] payloadOffsets;
    private int count;

    /** @param maxPayloads the most payloads one frame may carry; more is malformed */
    public ClientAppendDecoder(int maxPayloads) {
        payloadOffsets = new int[maxPayloads];
    }

    public static ClientAppendDecoder forMaxFrameLength(int maxFrameLength) {
        return new ClientAppendDecoder(Math.max(1, (maxFrameLength - PAYLOADS_OFFSET) / PAYLOAD_HEADER_LENGTH));
    }

    @Override
    protected boolean accepts(int type) {
        return type == FrameType.APPEND;
    }

    @Override
    protected String validateBody() {
        count = 0;
        int declared = i32(COUNT_OFFSET);
        if (declared < 0) {
            return "negative payload count " + declared;
        }
        if (declared > payloadOffsets.length) {
            return "payload count " + declared + " exceeds the limit of " + payloadOffsets.length;
        }
        int at = PAYLOADS_OFFSET;
        for (int i = 0; i < declared; i++) {
            if (at + PAYLOAD_HEADER_LENGTH > length) {
                return "payload " + i + " of " + declared + " starts past the end of the frame";
            }
            int payloadLength = buffer.getInt(offset + at, ORDER);
            if (payloadLength < 0 || payloadLength > length - at - PAYLOAD_HEADER_LENGTH) {
                return "payload " + i + " length " + payloadLength + " overruns the frame";
            }
            payloadOffsets[i] = offset + at;
            at += PAYLOAD_HEADER_LENGTH + payloadLength;
        }
        if (at != length) {
            return (length - at) + " bytes after the last of " + declared + " payloads";
        }
        count = declared;
        return null;
    }

    public long clientId() {
        return i64(CLIENT_ID_OFFSET);
    }

    public long firstSequence() {
        return i64(FIRST_SEQUENCE_OFFSET);
    }

    public int count() {
        return count;
    }

    /** Offset of payload {@code i}'s bytes in {@link #buffer()}. */
    public int payloadOffset(int i) {
        return payloadOffsets[i] + PAYLOAD_HEADER_LENGTH;
    }

    public int payloadLength(int i) {
        return buffer.getInt(payloadOffsets[i], ORDER);
    }
}
