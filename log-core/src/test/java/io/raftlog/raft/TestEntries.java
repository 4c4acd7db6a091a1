package io.raftlog.raft;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/** Entries for an incoming APPEND in tests: DATA entries of the given terms, payload = 8-byte index. */
final class TestEntries implements EntrySource {
    private final long[] terms;
    private final ExpandableArrayBuffer[] payloads;

    TestEntries(long firstIndex, long... terms) {
        this.terms = terms;
        this.payloads = new ExpandableArrayBuffer[terms.length];
        for (int i = 0; i < terms.length; i++) {
            payloads[i] = new ExpandableArrayBuffer(8);
            payloads[i].putLong(0, firstIndex + i);
        }
    }

    @Override
    public int count() {
        return terms.length;
    }

    @Override
    public long term(int i) {
        return terms[i];
    }

    @Override
    public byte type(int i) {
        return EntryType.DATA;
    }

    @Override
    public DirectBuffer buffer(int i) {
        return payloads[i];
    }

    @Override
    public int offset(int i) {
        return 0;
    }

    @Override
    public int length(int i) {
        return 8;
    }
}
