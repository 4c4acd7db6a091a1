package io.raftlog.net.codec;

import java.nio.charset.StandardCharsets;

import org.agrona.MutableDirectBuffer;

/**
 * ERROR: {@code 8 code u16 | 10 failedType u8 | 11 flags u8 | 12 leaderId int32 | 16 correlationId int64 |
 * 24 sequence int64 | 32 address [u16][ASCII] | message [u16][UTF-8]}. Errors are rare, so the string
 * accessors allocate.
 */
public final class ErrorFrame extends Flyweight {
    public static final int CODE_OFFSET = 8;
    public static final int FAILED_TYPE_OFFSET = 10;
    public static final int FLAGS_OFFSET = 11;
    /**
     * The refused APPEND appended nothing: it was turned away before any of it reached the log (not the leader
     * when it arrived, busy, too large). Without the flag an error leaves open whether some of it is in the log
     * (a leader that stepped down with it uncommitted). A client may send the sequences of a refused first send
     * again as never sent (without RESEND).
     */
    public static final int FLAG_NOT_APPENDED = 1;
    public static final int LEADER_ID_OFFSET = 12;
    public static final int CORRELATION_ID_OFFSET = 16;
    public static final int SEQUENCE_OFFSET = 24;
    public static final int ADDRESS_OFFSET = 32;
    /** Header, fixed fields and two empty strings. */
    public static final int FIXED_LENGTH = 36;
    /** Longest message text written; longer ones are cut (an error frame must stay small). */
    public static final int MAX_MESSAGE_BYTES = 1024;
    private static final byte[] NO_BYTES = new byte[0];
    /** The message last encoded (compared by identity) and its bytes. */
    private String lastMessage;
    private byte[] lastMessageBytes = NO_BYTES;

    @Override
    protected boolean accepts(int type) {
        return type == FrameType.ERROR;
    }

    @Override
    protected String validateBody() {
        String bad = checkString(ADDRESS_OFFSET, "address");
        if (bad != null) {
            return bad;
        }
        int messageField = messageOffset();
        bad = checkString(messageField, "message");
        if (bad != null) {
            return bad;
        }
        int end = messageField + 2 + u16(messageField);
        return end == length ? null : "ERROR frame has " + (length - end) + " bytes after its message";
    }

    private int messageOffset() {
        return ADDRESS_OFFSET + 2 + u16(ADDRESS_OFFSET);
    }

    /** The longest frame {@link #encode} may write for the given address (ASCII) and a message. */
    public static int maxLength(String address) {
        return FIXED_LENGTH + (address == null ? 0 : address.length()) + MAX_MESSAGE_BYTES;
    }

    /**
     * Encodes a whole ERROR frame and returns its length. {@code address} may be null or empty; the
     * message is cut to {@link #MAX_MESSAGE_BYTES}.
     */
    public int encode(MutableDirectBuffer buffer, int offset, int code, int failedType, int leaderId,
                      long correlationId, long sequence, String address, String message) {
        return encode(buffer, offset, code, failedType, 0, leaderId, correlationId, sequence, address, message);
    }

    /** As above, with {@code flags} ({@link #FLAG_NOT_APPENDED}). */
    public int encode(MutableDirectBuffer buffer, int offset, int code, int failedType, int flags, int leaderId,
                      long correlationId, long sequence, String address, String message) {
        startEncode(buffer, offset, FrameType.ERROR, FIXED_LENGTH);
        put16(CODE_OFFSET, code);
        put8(FAILED_TYPE_OFFSET, failedType);
        put8(FLAGS_OFFSET, flags);
        put32(LEADER_ID_OFFSET, leaderId);
        put64(CORRELATION_ID_OFFSET, correlationId);
        put64(SEQUENCE_OFFSET, sequence);
        int addressLength = address == null ? 0 : Math.min(address.length(), 255);
        put16(ADDRESS_OFFSET, addressLength);
        if (addressLength > 0) {
            buffer.putStringWithoutLengthAscii(offset + ADDRESS_OFFSET + 2, address, 0, addressLength);
        }
        int messageField = ADDRESS_OFFSET + 2 + addressLength;
        byte[] text = utf8(message);
        int textLength = cutUtf8(text, MAX_MESSAGE_BYTES);
        put16(messageField, textLength);
        buffer.putBytes(offset + messageField + 2, text, 0, textLength);
        setLength(messageField + 2 + textLength);
        return length;
    }

    /**
     * The message's UTF-8 bytes; the last message's are kept, so a burst of errors with one text (a step-down
     * answering every pending append NOT_LEADER, with the responder's shared string) encodes it once.
     */
    private byte[] utf8(String message) {
        if (message == null) {
            return NO_BYTES;
        }
        if (message != lastMessage) {
            lastMessageBytes = message.getBytes(StandardCharsets.UTF_8);
            lastMessage = message;
        }
        return lastMessageBytes;
    }

    /** Cuts at a character boundary so the receiver never sees half a character. */
    private static int cutUtf8(byte[] text, int max) {
        if (text.length <= max) {
            return text.length;
        }
        int end = max;
        while (end > 0 && (text[end] & 0xC0) == 0x80) {
            end--;
        }
        return end;
    }

    public int code() {
        return u16(CODE_OFFSET);
    }

    public int failedType() {
        return u8(FAILED_TYPE_OFFSET);
    }

    public int flags() {
        return u8(FLAGS_OFFSET);
    }

    /** See {@link #FLAG_NOT_APPENDED}. */
    public boolean notAppended() {
        return (flags() & FLAG_NOT_APPENDED) != 0;
    }

    public int leaderId() {
        return i32(LEADER_ID_OFFSET);
    }

    public long correlationId() {
        return i64(CORRELATION_ID_OFFSET);
    }

    public long sequence() {
        return i64(SEQUENCE_OFFSET);
    }

    /** The leader's {@code host:port}, or "" when unknown. */
    public String address() {
        return asciiString(ADDRESS_OFFSET);
    }

    public String message() {
        return utf8String(messageOffset());
    }

    @Override
    public String toString() {
        return ErrorCode.name(code()) + " (" + FrameType.name(failedType()) + "): " + message();
    }
}
