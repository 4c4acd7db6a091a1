package io.raftlog.pipeline;

import java.nio.ByteOrder;

import io.raftlog.journal.Journal;
import io.raftlog.raft.EntrySource;
import io.raftlog.raft.Message;
import io.raftlog.raft.MessageType;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * A throwaway encoding of {@link Message} for wiring pipelines together in one JVM (the real wire format
 * is the net module's). Fixed fields, then each entry as [term][type][length][payload].
 */
final class TestPeerCodec implements PeerMessageDecoder {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int FIXED = 90; // type, from, to, 9 longs, granted, success, entryCount
    private static final MessageType[] TYPES = MessageType.values();

    /** Encodes {@code m}, reading an APPEND's entries from {@code log}; returns the length. */
    static int encode(Message m, Journal log, ExpandableArrayBuffer out) {
        out.putInt(0, m.type.ordinal(), LE);
        out.putInt(4, m.from, LE);
        out.putInt(8, m.to, LE);
        out.putLong(12, m.term, LE);
        out.putLong(20, m.lastLogIndex, LE);
        out.putLong(28, m.lastLogTerm, LE);
        out.putLong(36, m.prevLogIndex, LE);
        out.putLong(44, m.prevLogTerm, LE);
        out.putLong(52, m.leaderCommit, LE);
        out.putLong(60, m.matchIndex, LE);
        out.putLong(68, m.conflictTerm, LE);
        out.putLong(76, m.conflictIndex, LE);
        out.putByte(84, (byte) (m.granted ? 1 : 0));
        out.putByte(85, (byte) (m.success ? 1 : 0));
        int[] pos = {FIXED};
        int n = 0;
        if (m.type == MessageType.APPEND && m.entryCount > 0) {
            n = log.read(m.prevLogIndex + 1, m.entryCount, Long.MAX_VALUE, (index, term, type, buffer, offset, length) -> {
                int p = pos[0];
                out.putLong(p, term, LE);
                out.putByte(p + 8, type);
                out.putInt(p + 9, length, LE);
                out.putBytes(p + 13, buffer, offset, length);
                pos[0] = p + 13 + length;
                return true;
            });
        }
        out.putInt(86, n, LE);
        return pos[0];
    }

    private final Entries entries = new Entries();

    @Override
    public String decode(DirectBuffer b, int offset, int length, Message m) {
        if (length < FIXED) {
            return "frame of " + length + " bytes is shorter than " + FIXED;
        }
        m.type = TYPES[b.getInt(offset, LE)];
        m.from = b.getInt(offset + 4, LE);
        m.to = b.getInt(offset + 8, LE);
        m.term = b.getLong(offset + 12, LE);
        m.lastLogIndex = b.getLong(offset + 20, LE);
        m.lastLogTerm = b.getLong(offset + 28, LE);
        m.prevLogIndex = b.getLong(offset + 36, LE);
        m.prevLogTerm = b.getLong(offset + 44, LE);
        m.leaderCommit = b.getLong(offset + 52, LE);
        m.matchIndex = b.getLong(offset + 60, LE);
        m.conflictTerm = b.getLong(offset + 68, LE);
        m.conflictIndex = b.getLong(offset + 76, LE);
        m.granted = b.getByte(offset + 84) != 0;
        m.success = b.getByte(offset + 85) != 0;
        m.entryCount = b.getInt(offset + 86, LE);
        if (m.type == MessageType.APPEND) {
            entries.wrap(b, offset + FIXED, m.entryCount);
            m.entries = entries;
        }
        return null;
    }

    private static final class Entries implements EntrySource {
        private DirectBuffer buffer;
        private int[] at = new int[64];
        private int count;

        void wrap(DirectBuffer b, int offset, int n) {
            buffer = b;
            count = n;
            if (at.length < n) {
                at = new int[n];
            }
            int p = offset;
            for (int i = 0; i < n; i++) {
                at[i] = p;
                p += 13 + b.getInt(p + 9, LE);
            }
        }

        @Override
        public int count() {
            return count;
        }

        @Override
        public long term(int i) {
            return buffer.getLong(at[i], LE);
        }

        @Override
        public byte type(int i) {
            return buffer.getByte(at[i] + 8);
        }

        @Override
        public DirectBuffer buffer(int i) {
            return buffer;
        }

        @Override
        public int offset(int i) {
            return at[i] + 13;
        }

        @Override
        public int length(int i) {
            return buffer.getInt(at[i] + 9, LE);
        }
    }
}
