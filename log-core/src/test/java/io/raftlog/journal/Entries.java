package io.raftlog.journal;

import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.raftlog.raft.EntryType;

/** Deterministic test payloads and a consumer that copies what a journal delivers. */
final class Entries {
    private Entries() {
    }

    /** The payload written at {@code index} in generation {@code salt}: length and bytes both vary. */
    static byte[] payload(long index, long salt) {
        int length = (int) ((index * 37 + salt * 11) % 300);
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (index * 31 + salt * 7 + i);
        }
        return b;
    }

    static void append(Journal j, long index, long term, long salt) {
        byte[] p = payload(index, salt);
        j.append(index, term, index % 17 == 0 ? EntryType.NOOP : EntryType.DATA, new UnsafeBuffer(p), 0, p.length);
    }

    static byte typeOf(long index) {
        return index % 17 == 0 ? EntryType.NOOP : EntryType.DATA;
    }

    record Read(long index, long term, byte type, byte[] payload) {
    }

    /** The same entries in the same order: index, term, type and payload bytes (records compare arrays by identity). */
    static void assertSameEntries(List<Read> actual, List<Read> expected, String what) {
        if (actual.size() != expected.size()) {
            throw new AssertionError(what + ": " + actual.size() + " entries, expected " + expected.size());
        }
        for (int k = 0; k < actual.size(); k++) {
            Read a = actual.get(k);
            Read e = expected.get(k);
            if (a.index() != e.index() || a.term() != e.term() || a.type() != e.type()
                || !java.util.Arrays.equals(a.payload(), e.payload())) {
                throw new AssertionError(what + ": entry " + e.index() + " (term " + e.term() + ") read as entry "
                    + a.index() + " (term " + a.term() + ", " + a.payload().length + " bytes)");
            }
        }
    }

    static final class Collector implements EntryConsumer {
        final List<Read> reads = new ArrayList<>();

        @Override
        public boolean accept(long index, long term, byte type, DirectBuffer buffer, int offset, int length) {
            byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            reads.add(new Read(index, term, type, copy));
            return true;
        }
    }

    static List<Read> readAll(Journal j) {
        Collector c = new Collector();
        if (j.lastIndex() >= j.firstIndex()) {
            long from = j.firstIndex();
            while (from <= j.lastIndex()) {
                int n = j.read(from, 1000, Long.MAX_VALUE, c);
                if (n == 0) {
                    throw new AssertionError("read returned 0 at " + from + " of " + j.lastIndex());
                }
                from += n;
            }
        }
        return c.reads;
    }
}
