package io.raftlog.raft;

import org.agrona.DirectBuffer;

/**
 * Entries of a {@link MemoryRaftLog} taken as an {@link EntrySource}, as an AppendEntries in flight carries
 * them: what the sender's log held when it sent, whatever that log does afterwards (payload buffers are
 * never written after append, so sharing them is a copy in effect). Used by the simulator and the tests.
 */
public final class MemoryLogSlice implements EntrySource {
    private final long[] terms;
    private final byte[] types;
    private final DirectBuffer[] payloads;

    public MemoryLogSlice(MemoryRaftLog log, long fromIndex, int count) {
        terms = new long[count];
        types = new byte[count];
        payloads = new DirectBuffer[count];
        for (int i = 0; i < count; i++) {
            long index = fromIndex + i;
            terms[i] = log.termAt(index);
            types[i] = log.typeAt(index);
            payloads[i] = log.payloadView(index); // entries are immutable once written
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
        return types[i];
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
        return payloads[i].capacity();
    }
}
