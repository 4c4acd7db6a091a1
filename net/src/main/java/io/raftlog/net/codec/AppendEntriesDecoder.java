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

import io.raftlog.raft.EntrySource;
import io.raftlog.pipeline.DataEntry;
import io.raftlog.raft.EntryType;
import org.agrona.DirectBuffer;

/**
 * Reads a received APPEND_ENTRIES in place and serves its entries as an {@link EntrySource}: {@link #wrap}
 * walks the entries once, checks every length against the frame and records where each starts in a
 * preallocated array, so nothing is allocated per frame or entry. The view is valid while the frame's
 * bytes are (inside the transport's frame callback).
 */
public final class AppendEntriesDecoder extends PeerFrame implements EntrySource {
    private final int[] entryOffsets;
    private int count;

    /** @param maxEntries the most entries a frame may carry; more is reported as malformed */
    public AppendEntriesDecoder(int maxEntries) {
        entryOffsets = new int[maxEntries];
    }

    /** Sized for any frame up to {@code maxFrameLength} (every entry takes at least 13 bytes). */
    public static AppendEntriesDecoder forMaxFrameLength(int maxFrameLength) {
        return new AppendEntriesDecoder(Math.max(1, (maxFrameLength - ENTRIES_OFFSET) / ENTRY_HEADER_LENGTH));
    }

    @Override
    protected boolean accepts(int type) {
        return type == FrameType.APPEND_ENTRIES;
    }

    @Override
    protected String validateBody() {
        count = 0;
        int declared = i32(ENTRY_COUNT_OFFSET);
        if (declared < 0) {
            return "negative entry count " + declared;
        }
        if (declared > entryOffsets.length) {
            return "entry count " + declared + " exceeds the limit of " + entryOffsets.length;
        }
        int at = ENTRIES_OFFSET;
        for (int i = 0; i < declared; i++) {
            if (at + ENTRY_HEADER_LENGTH > length) {
                return "entry " + i + " of " + declared + " starts at byte " + at + ", past the end of a " + length + "-byte frame";
            }
            byte type = buffer.getByte(offset + at + ENTRY_TYPE_OFFSET);
            if (!EntryType.isValid(type)) {
                return "entry " + i + " has unknown entry type " + type;
            }
            int payloadLength = buffer.getInt(offset + at + ENTRY_LENGTH_OFFSET, ORDER);
            if (payloadLength < 0 || payloadLength > length - at - ENTRY_HEADER_LENGTH) {
                return "entry " + i + " payload length " + payloadLength + " overruns the frame";
            }
            if (type == EntryType.DATA && payloadLength < DataEntry.HEADER_LENGTH) {
                return "entry " + i + " is a data entry of " + payloadLength + " bytes, shorter than its "
                    + DataEntry.HEADER_LENGTH + "-byte client header";
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

    public long prevLogIndex() {
        return i64(PREV_LOG_INDEX_OFFSET);
    }

    public long prevLogTerm() {
        return i64(PREV_LOG_TERM_OFFSET);
    }

    public long leaderCommit() {
        return i64(LEADER_COMMIT_OFFSET);
    }

    @Override
    public int count() {
        return count;
    }

    /** The index of entry {@code i}: prevLogIndex + 1 + i. */
    public long index(int i) {
        return prevLogIndex() + 1 + i;
    }

    @Override
    public long term(int i) {
        return buffer.getLong(entryOffsets[i] + ENTRY_TERM_OFFSET, ORDER);
    }

    @Override
    public byte type(int i) {
        return buffer.getByte(entryOffsets[i] + ENTRY_TYPE_OFFSET);
    }

    @Override
    public DirectBuffer buffer(int i) {
        return buffer;
    }

    @Override
    public int offset(int i) {
        return entryOffsets[i] + ENTRY_HEADER_LENGTH;
    }

    @Override
    public int length(int i) {
        return buffer.getInt(entryOffsets[i] + ENTRY_LENGTH_OFFSET, ORDER);
    }
}
