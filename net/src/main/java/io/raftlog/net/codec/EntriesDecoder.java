package io.raftlog.net.codec;

import static io.raftlog.net.codec.EntriesEncoder.COUNT_OFFSET;
import static io.raftlog.net.codec.EntriesEncoder.ENTRIES_OFFSET;
import static io.raftlog.net.codec.EntriesEncoder.ENTRY_HEADER_LENGTH;
import static io.raftlog.net.codec.EntriesEncoder.REQUEST_ID_OFFSET;
import static io.raftlog.net.codec.Protocol.ORDER;

/** Reads a received ENTRIES frame in place; entry offsets go to a preallocated, bounded array. */
public final class EntriesDecoder extends Flyweight {
    private final int[] entryOffsets;
    private int count;

    public EntriesDecoder(int maxEntries) {
        entryOffsets = new int[maxEntries];
    }

    public static EntriesDecoder forMaxFrameLength(int maxFrameLength) {
        return new EntriesDecoder(Math.max(1, (maxFrameLength - ENTRIES_OFFSET) / ENTRY_HEADER_LENGTH));
    }

    @Override
    protected boolean accepts(int type) {
        return type == FrameType.ENTRIES;
    }

    @Override
    protected String validateBody() {
        count = 0;
        int declared = i32(COUNT_OFFSET);
        if (declared < 0) {
            return "negative entry count " + declared;
        }
        if (declared > entryOffsets.length) {
            return "entry count " + declared + " exceeds the limit of " + entryOffsets.length;
        }
        int at = ENTRIES_OFFSET;
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < declared; i++) {
            if (at + ENTRY_HEADER_LENGTH > length) {
                return "entry " + i + " of " + declared + " starts past the end of the frame";
            }
            long index = buffer.getLong(offset + at, ORDER);
            if (index <= previous || index < 1) {
                return "entry " + i + " has index " + index + ", not above the previous " + previous;
            }
            previous = index;
            int payloadLength = buffer.getInt(offset + at + 8, ORDER);
            if (payloadLength < 0 || payloadLength > length - at - ENTRY_HEADER_LENGTH) {
                return "entry " + i + " payload length " + payloadLength + " overruns the frame";
            }
            entryOffsets[i] = offset + at;
            at += ENTRY_HEADER_LENGTH + payloadLength;
        }
        if (at != length) {
            return (length - at) + " bytes after the last of " + declared + " entries";
        }
        count = declared;
        return null;
    }

    public long requestId() {
        return i64(REQUEST_ID_OFFSET);
    }

    public int count() {
        return count;
    }

    public long index(int i) {
        return buffer.getLong(entryOffsets[i], ORDER);
    }

    /** Offset of entry {@code i}'s payload in {@link #buffer()}. */
    public int payloadOffset(int i) {
        return entryOffsets[i] + ENTRY_HEADER_LENGTH;
    }

    public int payloadLength(int i) {
        return buffer.getInt(entryOffsets[i] + 8, ORDER);
    }
}
