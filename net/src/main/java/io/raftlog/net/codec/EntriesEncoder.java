package io.raftlog.net.codec;

import static io.raftlog.net.codec.Protocol.ORDER;

import io.raftlog.journal.EntryConsumer;
import io.raftlog.pipeline.DataEntry;
import io.raftlog.raft.EntryType;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes an ENTRIES frame for a consumer: {@code 8 requestId int64 | 16 count int32 | 20 entries}, each
 * {@code [index int64][length int32][user payload]}. It is the {@link EntryConsumer} of a journal read:
 * it skips non-DATA entries, strips the stored {@link DataEntry} header and stops the read when the next
 * entry does not fit. {@link #nextIndex()} is where the next read should start.
 */
public final class EntriesEncoder extends Flyweight implements EntryConsumer {
    public static final int REQUEST_ID_OFFSET = 8;
    public static final int COUNT_OFFSET = 16;
    public static final int ENTRIES_OFFSET = 20;
    public static final int FIXED_LENGTH = ENTRIES_OFFSET;
    public static final int ENTRY_HEADER_LENGTH = 12;

    private int capacity;
    private int count;
    private long nextIndex;
    private long lastEntryIndex;

    @Override
    protected boolean accepts(int type) {
        return false; // encoder only: read with EntriesDecoder
    }

    /** Starts an empty frame; {@code fromIndex} is where the read will start. */
    public EntriesEncoder wrap(MutableDirectBuffer buffer, int offset, int capacity, long requestId, long fromIndex) {
        if (capacity < FIXED_LENGTH) {
            throw new IllegalArgumentException("capacity " + capacity + " below the fixed part " + FIXED_LENGTH);
        }
        startEncode(buffer, offset, FrameType.ENTRIES, FIXED_LENGTH);
        this.capacity = capacity;
        this.count = 0;
        this.nextIndex = fromIndex;
        this.lastEntryIndex = 0;
        put64(REQUEST_ID_OFFSET, requestId);
        put32(COUNT_OFFSET, 0);
        return this;
    }

    /** Takes one stored entry; returns false (without taking it) when it does not fit. */
    @Override
    public boolean accept(long index, long term, byte type, DirectBuffer stored, int storedOffset, int storedLength) {
        if (type != EntryType.DATA) {
            nextIndex = index + 1;
            return true;
        }
        if (storedLength < DataEntry.HEADER_LENGTH) {
            throw new IllegalStateException("stored data entry " + index + " has " + storedLength
                + " bytes, less than its " + DataEntry.HEADER_LENGTH + "-byte header");
        }
        int userLength = storedLength - DataEntry.HEADER_LENGTH;
        return add(index, stored, storedOffset + DataEntry.HEADER_LENGTH, userLength);
    }

    /** Adds a user payload at {@code index}; false (nothing added) when it does not fit. */
    public boolean add(long index, DirectBuffer payload, int payloadOffset, int payloadLength) {
        if (length + ENTRY_HEADER_LENGTH + payloadLength > capacity) {
            return false;
        }
        int at = offset + length;
        out.putLong(at, index, ORDER);
        out.putInt(at + 8, payloadLength, ORDER);
        out.putBytes(at + ENTRY_HEADER_LENGTH, payload, payloadOffset, payloadLength);
        count++;
        nextIndex = index + 1;
        lastEntryIndex = index;
        put32(COUNT_OFFSET, count);
        setLength(length + ENTRY_HEADER_LENGTH + payloadLength);
        return true;
    }

    public int count() {
        return count;
    }

    /**
     * The index of the frame's last entry, 0 if it has none. A consumer knows of no index past it: when
     * {@link #nextIndex()} is further on, the read skipped entries that are not data.
     */
    public long lastEntryIndex() {
        return lastEntryIndex;
    }

    /** The index after the last entry taken or skipped. */
    public long nextIndex() {
        return nextIndex;
    }
}
