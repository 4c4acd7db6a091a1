package io.raftlog.journal;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The most recent entry records exactly as the journal wrote them (header and payload), in a heap ring owned
 * by the writer thread: the leader reads the entries it just appended once per follower to replicate them,
 * and serving those reads from here spares a Chronicle seek, a copy and a checksum per entry and follower.
 *
 * <p>The writer encodes each entry's record into its staging area and copies it in here ({@link #claim}),
 * so entries staged but not yet written to Chronicle are served too; large records that bypass the staging
 * area are encoded straight into the ring. Positions are virtual and only grow (as Aeron's term
 * positions): a record whose bytes start at {@code p} is intact as long as {@code p >= writePosition -
 * capacity}. A record that does not fit before the ring's end starts again at its beginning (the rest is
 * padding). Per index the ring keeps the record's start in a circular array, so an index is served only
 * while both its bytes and its slot are intact.
 *
 * <p>What is held is always one run of consecutive indexes {@code [first, last]}; every change that could
 * break the run (a record too large to hold, a truncation, a compaction) shrinks or empties it, so an index
 * outside the run is never served from here and the caller falls back to Chronicle.
 *
 * <p>Not thread-safe: the writer thread alone appends and reads through it; readers of other threads keep
 * reading Chronicle.
 */
final class RecentRecords {
    /** Records start on 8-byte boundaries so their longs are aligned. */
    private static final int ALIGNMENT = 8;
    /** Fewest slots: tiny rings in tests still hold a few entries. */
    private static final int MIN_SLOTS = 16;
    /**
     * One slot per 64 bytes of ring: enough for records of 32-byte payloads (the smallest entries carry a
     * header of 32 and little else), while a ring of 16 MiB needs 2 MiB of slots.
     */
    private static final int BYTES_PER_SLOT = 64;

    private final UnsafeBuffer ring;
    private final int capacity;
    private final int maxRecord;
    private final long[] starts;
    private final int slotMask;

    /** Virtual end of the last claimed record. */
    private long writePosition;
    /** Virtual start of the last claimed record (committed by {@link #commit}). */
    private long claimed;
    private long first = 1;
    private long last = 0;

    /**
     * @param capacity ring bytes: 0 holds nothing, anything else is rounded up to a power of two (at least 64)
     */
    RecentRecords(int capacity) {
        if (capacity < 0 || capacity > 1 << 30) {
            throw new IllegalArgumentException("recent records capacity " + capacity + " outside [0, 2^30]");
        }
        this.capacity = capacity == 0 ? 0 : Math.max(64, roundUpToPowerOfTwo(capacity));
        this.ring = new UnsafeBuffer(new byte[this.capacity]);
        // A record larger than a quarter of the ring would evict most of what it holds for one entry.
        this.maxRecord = this.capacity / 4;
        int slots = Math.max(MIN_SLOTS, roundUpToPowerOfTwo(Math.max(1, this.capacity / BYTES_PER_SLOT)));
        this.starts = new long[this.capacity == 0 ? 1 : slots];
        this.slotMask = starts.length - 1;
    }

    private static int roundUpToPowerOfTwo(int value) {
        return value <= 1 ? 1 : Integer.highestOneBit(value - 1) << 1;
    }

    /** The ring the records live in (offsets from {@link #claim} and {@link #offsetOf}). */
    UnsafeBuffer buffer() {
        return ring;
    }

    int capacity() {
        return capacity;
    }

    /**
     * Makes room for a record of {@code length} bytes and returns its offset in {@link #buffer()}, or -1 if
     * records that large are not held (the caller writes it elsewhere and calls {@link #skip}). Entries whose
     * bytes the new record overwrites stop being held at once, before the caller writes anything, so a
     * failure after this call leaves nothing stale behind.
     */
    int claim(int length) {
        if (length > maxRecord) {
            return -1;
        }
        int offset = (int) (writePosition & (capacity - 1));
        if (offset + length > capacity) {
            writePosition += capacity - offset;
            offset = 0;
        }
        claimed = writePosition;
        writePosition += (length + ALIGNMENT - 1) & -ALIGNMENT;
        long oldestIntact = writePosition - capacity;
        while (first <= last && starts[(int) (first & slotMask)] < oldestIntact) {
            first++;
        }
        return offset;
    }

    /** The record last claimed now holds entry {@code index}, which the journal has written. */
    void commit(long index) {
        if (first > last || index != last + 1) {
            first = index; // nothing held, or (defensively) not the next index: start a new run here
        }
        starts[(int) (index & slotMask)] = claimed;
        last = index;
        if (last - first > slotMask) {
            first = last - slotMask; // the slot of the oldest was just reused
        }
    }

    /** Entry {@code index} was written but is not held (too large): nothing at or below it is either. */
    void skip(long index) {
        first = index + 1;
        last = index;
    }

    /** The log now ends at {@code index}. */
    void truncateAfter(long index) {
        if (index < last) {
            last = index;
            if (first > last) {
                first = index + 1;
            }
        }
    }

    /** Entries below {@code index} were compacted away. */
    void dropBefore(long index) {
        if (index > first) {
            first = index;
        }
    }

    /** Holds nothing; the next entry is expected at {@code lastIndex + 1}. */
    void reset(long lastIndex) {
        first = lastIndex + 1;
        last = lastIndex;
    }

    /** Lowest index held (above {@link #last()} when nothing is). */
    long first() {
        return first;
    }

    long last() {
        return last;
    }

    boolean holds(long index) {
        return index >= first && index <= last;
    }

    /** Offset in {@link #buffer()} of the record of {@code index}; only for an index this {@link #holds}. */
    int offsetOf(long index) {
        return (int) (starts[(int) (index & slotMask)] & (capacity - 1));
    }
}
