package io.raftlog.net.codec;

import static io.raftlog.net.codec.Protocol.ORDER;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * How a node stores a producer's payload as a DATA entry: {@code [clientId int64][sequence int64][user bytes]}.
 * The header lets a new leader recognise a retried append; consumers (ENTRIES frames) see only the user bytes.
 */
public final class DataEntry {
    public static final int CLIENT_ID_OFFSET = 0;
    public static final int SEQUENCE_OFFSET = 8;
    public static final int HEADER_LENGTH = 16;

    private DataEntry() {
    }

    public static void writeHeader(MutableDirectBuffer buffer, int offset, long clientId, long sequence) {
        buffer.putLong(offset + CLIENT_ID_OFFSET, clientId, ORDER);
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence, ORDER);
    }

    public static long clientId(DirectBuffer buffer, int entryOffset) {
        return buffer.getLong(entryOffset + CLIENT_ID_OFFSET, ORDER);
    }

    public static long sequence(DirectBuffer buffer, int entryOffset) {
        return buffer.getLong(entryOffset + SEQUENCE_OFFSET, ORDER);
    }
}
