package io.raftlog.net.codec;

import static io.raftlog.net.codec.AppendEntriesLayout.ENTRIES_OFFSET;
import static io.raftlog.net.codec.AppendEntriesLayout.ENTRY_COUNT_OFFSET;
import static io.raftlog.net.codec.AppendEntriesLayout.ENTRY_HEADER_LENGTH;
import static io.raftlog.net.codec.AppendEntriesLayout.ENTRY_LENGTH_OFFSET;
import static io.raftlog.net.codec.AppendEntriesLayout.ENTRY_TERM_OFFSET;
import static io.raftlog.net.codec.AppendEntriesLayout.ENTRY_TYPE_OFFSET;
import static io.raftlog.net.codec.AppendEntriesLayout.LEADER_COMMIT_OFFSET;
import static io.raftlog.net.codec.AppendEntriesLayout.PREV_LOG_INDEX_OFFSET;
import static io.raftlog.net.codec.AppendEntriesLayout.PREV_LOG_TERM_OFFSET;
import static io.raftlog.net.codec.PeerHeader.TERM_OFFSET;
import static io.raftlog.net.codec.Protocol.ORDER;

import io.raftlog.journal.EntryConsumer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes an APPEND_ENTRIES frame straight into a send buffer (for example a claimed region of a
 * connection's outbound ring): {@link #wrap} writes the fixed fields, then entries arrive through
 * {@link #accept} (it is the {@link EntryConsumer} of a journal read, so payloads are copied once, from the
 * journal into the frame), and {@link #frameLength()} is what to send. Entries that do not fit in the
 * capacity given to {@link #wrap} stop the read; {@link #entryCount()} says how many went in.
 */
public final class AppendEntriesEncoder extends PeerFrame implements EntryConsumer {
    public static final int FIXED_LENGTH = ENTRIES_OFFSET;
    public static final int ENTRY_HEADER_LENGTH = AppendEntriesLayout.ENTRY_HEADER_LENGTH;

    private int capacity;
    private int count;
    private long prevLogIndex;

    /** The frame length needed for {@code entryCount} entries carrying {@code payloadBytes} in total. */
    public static int frameLength(int entryCount, long payloadBytes) {
        long total = FIXED_LENGTH + (long) entryCount * ENTRY_HEADER_LENGTH + payloadBytes;
        return total > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) total;
    }

    @Override
    protected boolean accepts(int type) {
        return false; // encoder only: read frames with AppendEntriesDecoder
    }

    /**
     * Starts a frame with no entries at {@code offset}; at most {@code capacity} bytes will be written.
     *
     * @throws IllegalArgumentException if the capacity cannot even hold a heartbeat
     */
    public AppendEntriesEncoder wrap(MutableDirectBuffer buffer, int offset, int capacity, int from, int to, long term,
                                     long prevLogIndex, long prevLogTerm, long leaderCommit) {
        if (capacity < FIXED_LENGTH) {
            throw new IllegalArgumentException("capacity " + capacity + " below the " + FIXED_LENGTH + " bytes of an empty APPEND_ENTRIES");
        }
        startPeerFrame(buffer, offset, FrameType.APPEND_ENTRIES, FIXED_LENGTH, from, to, term);
        this.capacity = capacity;
        this.count = 0;
        this.prevLogIndex = prevLogIndex;
        put64(PREV_LOG_INDEX_OFFSET, prevLogIndex);
        put64(PREV_LOG_TERM_OFFSET, prevLogTerm);
        put64(LEADER_COMMIT_OFFSET, leaderCommit);
        put32(ENTRY_COUNT_OFFSET, 0);
        return this;
    }

    /**
     * Reads up to {@code maxCount} entries after prevLogIndex from {@code reader} into the frame, stopping
     * when the capacity is reached. Returns the number of entries in the frame.
     */
    public int appendFrom(EntryReader reader, int maxCount) {
        if (maxCount > 0) {
            reader.read(prevLogIndex + 1 + count, maxCount, capacity - length, this);
        }
        return count;
    }

    /** Appends one entry if it fits; its index must be the next one (prevLogIndex + 1 + entryCount()). */
    @Override
    public boolean accept(long index, long term, byte type, DirectBuffer payload, int payloadOffset, int payloadLength) {
        long expected = prevLogIndex + 1 + count;
        if (index != expected) {
            throw new IllegalStateException("entry index " + index + " delivered where " + expected + " was expected");
        }
        if (length + ENTRY_HEADER_LENGTH + payloadLength > capacity) {
            return false;
        }
        int at = offset + length;
        out.putLong(at + ENTRY_TERM_OFFSET, term, ORDER);
        out.putByte(at + ENTRY_TYPE_OFFSET, type);
        out.putInt(at + ENTRY_LENGTH_OFFSET, payloadLength, ORDER);
        out.putBytes(at + ENTRY_HEADER_LENGTH, payload, payloadOffset, payloadLength);
        count++;
        put32(ENTRY_COUNT_OFFSET, count);
        setLength(length + ENTRY_HEADER_LENGTH + payloadLength);
        return true;
    }

    /** Entries written so far. */
    public int entryCount() {
        return count;
    }
}
