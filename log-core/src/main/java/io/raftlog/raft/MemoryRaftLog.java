package io.raftlog.raft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * An in-memory {@link RaftLog} that models a page cache: appends and truncations are visible at once but
 * survive a {@link #crash()} only if a {@link #sync()} came after them. It allocates per entry, which is
 * fine for the tests and the simulator it serves (the journal is the production log).
 */
public final class MemoryRaftLog implements RaftLog {

    /** The payload buffer has exactly the payload's length as capacity and is never written after append. */
    private record Entry(long term, byte type, ExpandableArrayBuffer payload) {
    }

    private final List<Entry> entries = new ArrayList<>(); // entries.get(i) has index firstIndex + i
    private long firstIndex = 1;
    private long termBeforeFirst = 0;
    /** Everything up to here survives a crash, as it was at the last sync. */
    private long durableIndex = 0;
    /** Durable entries overwritten (truncated away) since the last sync: a crash brings them back. */
    private final Map<Long, Entry> undo = new HashMap<>();

    @Override
    public long firstIndex() {
        return firstIndex;
    }

    @Override
    public long lastIndex() {
        return firstIndex + entries.size() - 1;
    }

    @Override
    public long termAt(long index) {
        if (index == firstIndex - 1) {
            return termBeforeFirst;
        }
        return entry(index).term;
    }

    public byte typeAt(long index) {
        return entry(index).type;
    }

    /** A copy of the payload at {@code index}. */
    public byte[] payloadAt(long index) {
        return entry(index).payload.byteArray().clone();
    }

    /** A read-only view of the payload at {@code index}, without copying. */
    public DirectBuffer payloadView(long index) {
        return entry(index).payload;
    }

    private Entry entry(long index) {
        if (index < firstIndex || index > lastIndex()) {
            throw new IndexOutOfBoundsException("index " + index + " outside [" + firstIndex + ", " + lastIndex() + "]");
        }
        return entries.get((int) (index - firstIndex));
    }

    @Override
    public void append(long index, long term, byte type, DirectBuffer buffer, int offset, int length) {
        if (index != lastIndex() + 1) {
            throw new IllegalStateException("append at " + index + " but lastIndex is " + lastIndex());
        }
        if (index > firstIndex && term < termAt(index - 1)) {
            throw new IllegalStateException("term " + term + " at " + index + " below previous term " + termAt(index - 1));
        }
        ExpandableArrayBuffer payload = new ExpandableArrayBuffer(length);
        payload.putBytes(0, buffer, offset, length);
        entries.add(new Entry(term, type, payload));
    }

    @Override
    public void truncateAfter(long index) {
        if (index < firstIndex - 1) {
            throw new IllegalStateException("truncate after " + index + " below first index " + firstIndex);
        }
        for (long i = lastIndex(); i > index; i--) {
            Entry removed = entries.remove(entries.size() - 1);
            if (i <= durableIndex) {
                undo.putIfAbsent(i, removed);
            }
        }
    }

    @Override
    public int countWithin(long fromIndex, int maxCount, long maxBytes) {
        int n = 0;
        long bytes = 0;
        for (long i = fromIndex; i <= lastIndex() && n < maxCount; i++) {
            bytes += entry(i).payload.capacity();
            if (n > 0 && bytes > maxBytes) {
                break;
            }
            n++;
        }
        return n;
    }

    /**
     * Drops the entries below {@code index} (at most up to the last one), after a {@link #sync()}: as the
     * journal's compaction, it makes everything durable first and the drop itself survives a crash.
     */
    public void compactBefore(long index) {
        long newFirst = Math.min(index, lastIndex() + 1);
        if (newFirst <= firstIndex) {
            return;
        }
        sync();
        termBeforeFirst = termAt(newFirst - 1);
        entries.subList(0, (int) (newFirst - firstIndex)).clear();
        firstIndex = newFirst;
    }

    @Override
    public void installSnapshot(long index, long term) {
        if (index < firstIndex - 1) {
            throw new IllegalStateException("snapshot through " + index + " below first index " + firstIndex);
        }
        entries.clear();
        undo.clear();
        firstIndex = index + 1;
        termBeforeFirst = term;
        durableIndex = index;
    }

    /** Makes everything written so far survive a crash; returns the last index. */
    public long sync() {
        durableIndex = lastIndex();
        undo.clear();
        return durableIndex;
    }

    public long durableIndex() {
        return Math.min(durableIndex, lastIndex());
    }

    /** Loses every write since the last {@link #sync()}, as a machine crash loses the page cache. */
    public void crash() {
        crash(0);
    }

    /**
     * A crash that keeps the first {@code unsyncedKept} entries appended since the last {@link #sync()}, as a
     * power cut keeps the pages the kernel had already written back, and loses the rest. The restart forces
     * what it finds (as the journal does when it opens), so the kept entries are durable from then on. Only when
     * no durable entry was overwritten since the sync: a truncation's order against the appends that followed
     * is not modelled, so then every write since the sync is lost, as by {@link #crash()}. Returns how many
     * unforced entries it kept.
     */
    public long crash(long unsyncedKept) {
        if (unsyncedKept > 0 && undo.isEmpty() && lastIndex() > durableIndex) {
            long forced = Math.max(durableIndex, firstIndex - 1);
            long keep = Math.min(lastIndex(), forced + unsyncedKept);
            for (long i = lastIndex(); i > keep; i--) {
                entries.remove(entries.size() - 1);
            }
            durableIndex = keep;
            return keep - forced;
        }
        // Entries from the first overwritten durable index on come back from undo; later ones vanish.
        long keep = Math.min(lastIndex(), durableIndex);
        for (long i = lastIndex(); i > keep; i--) {
            entries.remove(entries.size() - 1);
        }
        for (long i = lastIndex() + 1; i <= durableIndex; i++) {
            Entry e = undo.get(i);
            if (e == null) {
                throw new IllegalStateException("durable entry " + i + " missing from undo");
            }
            entries.add(e);
        }
        // Anything at or below keep that was overwritten and re-appended must revert too.
        for (Map.Entry<Long, Entry> e : undo.entrySet()) {
            long i = e.getKey();
            if (i >= firstIndex && i <= keep) {
                entries.set((int) (i - firstIndex), e.getValue());
            }
        }
        undo.clear();
        return 0;
    }
}
