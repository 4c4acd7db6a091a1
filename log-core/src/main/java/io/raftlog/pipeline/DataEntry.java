package io.raftlog.pipeline;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The stored layout of a {@link io.raftlog.raft.EntryType#DATA} entry: {@code [clientId int64][sequence
 * int64][user bytes]}, little-endian. The (clientId, sequence) prefix is what makes appends exactly-once:
 * every node can rebuild its client sessions from the log alone, so a new leader knows what was appended.
 * Consumers (the net module's ENTRIES frames) see only the user bytes. The one definition of this layout:
 * the pipeline writes and reads it, the net codec strips and checks it.
 */
public final class DataEntry {
    public static final int CLIENT_ID_OFFSET = 0;
    public static final int SEQUENCE_OFFSET = 8;
    /** Bytes before the user's payload. */
    public static final int HEADER_LENGTH = 16;
    /** The byte order of the header (the wire protocol's, so a stored entry can be copied to a frame as is). */
    public static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private DataEntry() {
    }

    /** Writes the header of an entry starting at {@code entryOffset}; the user bytes follow at + HEADER_LENGTH. */
    public static void writeHeader(MutableDirectBuffer buffer, int entryOffset, long clientId, long sequence) {
        buffer.putLong(entryOffset + CLIENT_ID_OFFSET, clientId, ORDER);
        buffer.putLong(entryOffset + SEQUENCE_OFFSET, sequence, ORDER);
    }

    public static long clientId(DirectBuffer buffer, int entryOffset) {
        return buffer.getLong(entryOffset + CLIENT_ID_OFFSET, ORDER);
    }

    public static long sequence(DirectBuffer buffer, int entryOffset) {
        return buffer.getLong(entryOffset + SEQUENCE_OFFSET, ORDER);
    }
}
