package io.raftlog.raft;

import org.agrona.DirectBuffer;

/**
 * The Raft core's view of its log: the smallest surface it needs, so that the same core runs on the
 * in-memory log of the simulator and on the Chronicle Queue journal.
 *
 * <p>Writes are synchronous but not durable: {@link #append} puts an entry in the log (page cache, a
 * memory map, an array); making it durable is the driver's job, which reports it back to the core with
 * {@link RaftNode#persisted(long, long)}. Only the thread that owns the core calls these methods.
 *
 * <p>Indexes start at 1. Index 0 is the empty prefix, whose term is 0.
 */
public interface RaftLog {

    /** The first index still held; {@code lastIndex() + 1} when the log is empty. Starts at 1. */
    long firstIndex();

    /** The last index held, or {@code firstIndex() - 1} when empty. */
    long lastIndex();

    /**
     * The term of the entry at {@code index}. Index 0, and the index just below {@link #firstIndex()}
     * (whose term the log remembers when it was compacted), answer as well.
     *
     * @throws IndexOutOfBoundsException if the index is above {@link #lastIndex()} or was compacted away
     */
    long termAt(long index);

    /**
     * Appends one entry at {@code index}, which must be {@code lastIndex() + 1}. The payload is copied
     * out of {@code buffer} before the call returns.
     *
     * @param type {@link EntryType#DATA} or {@link EntryType#NOOP}
     */
    void append(long index, long term, byte type, DirectBuffer buffer, int offset, int length);

    /**
     * Removes every entry after {@code index} (Raft's conflict resolution on a follower). The removal
     * must itself become durable no later than any entry appended after it.
     */
    void truncateAfter(long index);

    /**
     * Raft's InstallSnapshot for a log without a state machine: drops every entry and continues the log
     * after {@code index}, whose term is {@code term}; {@link #firstIndex()} becomes {@code index + 1}. The
     * entries through {@code index} are committed and were compacted on the leader. Durable when it returns
     * (the core acknowledges {@code index} at once).
     */
    void installSnapshot(long index, long term);

    /**
     * How many entries, starting at {@code fromIndex}, fit in {@code maxBytes} of payload, at most
     * {@code maxCount}; at least one if {@code fromIndex} is held, however large it is, so a single large
     * entry still moves.
     */
    int countWithin(long fromIndex, int maxCount, long maxBytes);
}
