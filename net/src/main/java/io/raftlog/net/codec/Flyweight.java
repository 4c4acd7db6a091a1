package io.raftlog.net.codec;

import static io.raftlog.net.codec.Protocol.HEADER_LENGTH;
import static io.raftlog.net.codec.Protocol.ORDER;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Common part of the frame flyweights: a view over one frame in someone else's buffer, reused for every
 * frame (nothing is allocated per frame). {@link #wrap} checks a received frame and answers null or a
 * message naming what is wrong (allocated only then); encoders wrap a {@link MutableDirectBuffer} and
 * write the header at once.
 */
public abstract class Flyweight {
    protected DirectBuffer buffer;
    protected MutableDirectBuffer out;
    protected int offset;
    protected int length;

    /** Whether this flyweight reads frames of {@code type}. */
    protected abstract boolean accepts(int type);

    /** Checks the variable part; the header and the fixed length were checked. Null when valid. */
    protected String validateBody() {
        return null;
    }

    /**
     * Wraps a received frame of {@code length} bytes at {@code offset} for reading.
     *
     * @return null if the frame is valid, else what is wrong with it
     */
    public String wrap(DirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.out = null;
        this.offset = offset;
        this.length = length;
        if (length < HEADER_LENGTH) {
            return "frame of " + length + " bytes is shorter than the header";
        }
        int declared = Protocol.frameLength(buffer, offset);
        if (declared != length) {
            return "frame length field says " + declared + " but the frame has " + length + " bytes";
        }
        int type = type();
        if (!accepts(type)) {
            return getClass().getSimpleName() + " cannot read a " + FrameType.name(type) + " frame";
        }
        int fixed = FrameType.fixedLength(type);
        if (length < fixed || (FrameType.isFixedSize(type) && length != fixed)) {
            return FrameType.name(type) + " frame of " + length + " bytes, fixed part is " + fixed;
        }
        return validateBody();
    }

    /** Starts a frame of {@code type} with the given (initial) length at {@code offset}. */
    protected final void startEncode(MutableDirectBuffer buffer, int offset, int type, int frameLength) {
        this.buffer = buffer;
        this.out = buffer;
        this.offset = offset;
        this.length = frameLength;
        Protocol.writeHeader(buffer, offset, frameLength, type);
    }

    protected final void setLength(int frameLength) {
        length = frameLength;
        Protocol.writeLength(out, offset, frameLength);
    }

    public final int offset() {
        return offset;
    }

    /** The frame's length, header included (what to send after encoding). */
    public final int frameLength() {
        return length;
    }

    public final int type() {
        return Protocol.type(buffer, offset);
    }

    public final DirectBuffer buffer() {
        return buffer;
    }

    protected final long i64(int field) {
        return buffer.getLong(offset + field, ORDER);
    }

    protected final int i32(int field) {
        return buffer.getInt(offset + field, ORDER);
    }

    protected final int u16(int field) {
        return buffer.getShort(offset + field, ORDER) & 0xFFFF;
    }

    protected final int u8(int field) {
        return buffer.getByte(offset + field) & 0xFF;
    }

    protected final void put64(int field, long value) {
        out.putLong(offset + field, value, ORDER);
    }

    protected final void put32(int field, int value) {
        out.putInt(offset + field, value, ORDER);
    }

    protected final void put16(int field, int value) {
        out.putShort(offset + field, (short) value, ORDER);
    }

    protected final void put8(int field, int value) {
        out.putByte(offset + field, (byte) value);
    }

    protected final void zero(int field, int count) {
        out.setMemory(offset + field, count, (byte) 0);
    }

    /** Reads a [u16 length][bytes] string at {@code field} as ASCII (allocates; not for the hot path). */
    protected final String asciiString(int field) {
        int len = u16(field);
        return buffer.getStringWithoutLengthAscii(offset + field + 2, len);
    }

    protected final String utf8String(int field) {
        int len = u16(field);
        return buffer.getStringWithoutLengthUtf8(offset + field + 2, len);
    }

    /** Null if a [u16 length][bytes] string at {@code field} ends inside the frame, else the problem. */
    protected final String checkString(int field, String what) {
        if (field + 2 > length) {
            return what + " length field overruns the frame";
        }
        int end = field + 2 + u16(field);
        if (end > length) {
            return what + " of " + u16(field) + " bytes overruns the frame of " + length;
        }
        return null;
    }
}
