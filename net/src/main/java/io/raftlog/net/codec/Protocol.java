package io.raftlog.net.codec;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The frame header every raftlog frame starts with, and the protocol-wide constants (docs/PROTOCOL.md).
 *
 * <pre>
 *   0 length  int32  the whole frame, header included
 *   4 version u8
 *   5 type    u8     {@link FrameType}
 *   6 flags   u16    per frame type (APPEND: RESEND); 0 otherwise, unknown bits ignored on receipt
 * </pre>
 */
public final class Protocol {
    /** The only version this code speaks. */
    public static final int VERSION = 1;
    /** Little-endian: the byte order of the machines we run on, so no swaps on the hot path. */
    public static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    public static final int LENGTH_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int TYPE_OFFSET = 5;
    public static final int FLAGS_OFFSET = 6;
    public static final int HEADER_LENGTH = 8;

    /** Default for the maximum frame length setting: 4 MiB. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 4 * 1024 * 1024;

    /**
     * The largest payload of one entry a node accepts (an APPEND with a larger one is refused TOO_LARGE): an
     * AppendEntries carrying it alone must fit one transport send.
     */
    public static final int MAX_ENTRY_BYTES = 256 * 1024 - 64;

    private Protocol() {
    }

    /** Writes a header with version {@link #VERSION} and flags 0. */
    public static void writeHeader(MutableDirectBuffer buffer, int offset, int frameLength, int type) {
        buffer.putInt(offset + LENGTH_OFFSET, frameLength, ORDER);
        buffer.putByte(offset + VERSION_OFFSET, (byte) VERSION);
        buffer.putByte(offset + TYPE_OFFSET, (byte) type);
        buffer.putShort(offset + FLAGS_OFFSET, (short) 0, ORDER);
    }

    public static void writeLength(MutableDirectBuffer buffer, int offset, int frameLength) {
        buffer.putInt(offset + LENGTH_OFFSET, frameLength, ORDER);
    }

    public static int frameLength(DirectBuffer buffer, int offset) {
        return buffer.getInt(offset + LENGTH_OFFSET, ORDER);
    }

    public static int version(DirectBuffer buffer, int offset) {
        return buffer.getByte(offset + VERSION_OFFSET) & 0xFF;
    }

    public static int type(DirectBuffer buffer, int offset) {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    public static int flags(DirectBuffer buffer, int offset) {
        return buffer.getShort(offset + FLAGS_OFFSET, ORDER) & 0xFFFF;
    }

    /**
     * Checks a header whose {@code available} bytes are all the receiver has: returns null if the frame is
     * acceptable so far, else a message naming what is wrong. Does not read past the header.
     */
    public static String checkHeader(DirectBuffer buffer, int offset, int maxFrameLength) {
        int length = frameLength(buffer, offset);
        if (length < HEADER_LENGTH) {
            return "frame length " + length + " is below the header length " + HEADER_LENGTH;
        }
        if (length > maxFrameLength) {
            return "frame length " + length + " exceeds the maximum " + maxFrameLength;
        }
        int version = version(buffer, offset);
        if (version != VERSION) {
            return "protocol version " + version + " is not supported (this node speaks " + VERSION + ")";
        }
        int type = type(buffer, offset);
        if (!FrameType.isKnown(type)) {
            return "unknown frame type 0x" + Integer.toHexString(type);
        }
        int min = FrameType.fixedLength(type);
        if (length < min) {
            return FrameType.name(type) + " frame of " + length + " bytes is shorter than its fixed part of " + min;
        }
        if (FrameType.isFixedSize(type) && length != min) {
            return FrameType.name(type) + " frame of " + length + " bytes, expected exactly " + min;
        }
        return null;
    }
}
