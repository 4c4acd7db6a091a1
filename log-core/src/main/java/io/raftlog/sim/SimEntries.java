package io.raftlog.sim;

import io.raftlog.raft.EntrySource;
import io.raftlog.raft.MemoryRaftLog;
import org.agrona.DirectBuffer;

/** The entries of one AppendEntries in flight: a copy taken from the sender's log when it was sent. */
final class SimEntries implements EntrySource {
    private final long[] terms;
    private final byte[] types;
    private final DirectBuffer[] payloads;

    SimEntries(MemoryRaftLog log, long fromIndex, int count) {
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
