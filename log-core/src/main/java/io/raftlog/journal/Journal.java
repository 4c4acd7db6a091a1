package io.raftlog.journal;

import java.nio.file.Path;

import io.raftlog.raft.RaftLog;

/**
 * The durable Raft log of one node. The raft thread appends, truncates and reads through this interface
 * ({@link RaftLog} plus reads); durability is separate from writing: {@link #flush()} makes what was
 * written durable according to the node's {@link FsyncPolicy} and may run on its own thread (the leader
 * flushes in parallel with replication).
 *
 * <p>Appends may be staged in memory: {@link #writePending()} writes them to the files. Until then they are
 * the writer's alone: its own reads see them, but {@link #flush()} does not make them durable and readers of
 * other threads do not see them. The writer calls it at the end of each batch of appends, and before anything
 * that tells another thread about an index (a commit index, a flush request).
 *
 * <p>Threads: one writer thread calls every method but {@link #flush()}, {@link #durableIndex()} and
 * {@link #newReader()}; one flusher thread may call {@link #flush()} concurrently with the writer;
 * readers for other threads come from {@link #newReader()}, each used by one thread. Calls of
 * {@link #flush()} never overlap: the writer may make one itself while the flusher is idle, and each call
 * happens-before the next (the caller hands over through a lock).
 */
public interface Journal extends RaftLog, AutoCloseable {

    /**
     * Reads up to {@code maxCount} entries from {@code fromIndex} on, stopping early once
     * {@code maxBytes} of payload were delivered (the first entry is always delivered) or the consumer
     * returns false. Returns the number of entries delivered; 0 if {@code fromIndex > lastIndex()}.
     *
     * @throws CompactedException if {@code fromIndex < firstIndex()}
     */
    int read(long fromIndex, int maxCount, long maxBytes, EntryConsumer consumer);

    /**
     * Writer thread: writes every staged entry to the files and publishes it to {@link #flush()} and to
     * readers of other threads. A journal that writes each entry as it is appended has nothing to do.
     */
    default void writePending() {
    }

    /**
     * Makes every entry written ({@link #writePending()}) before this call started durable as the policy demands (an fsync of the
     * written range for {@link FsyncPolicy.Mode#BATCH}), and returns the highest index that now counts as
     * durable. Under {@code NONE} and {@code INTERVAL} written entries count at once (as Kafka's
     * flush.ms), INTERVAL syncing in the background at its period.
     */
    long flush();

    /**
     * Writer thread: payload bytes appended since the journal was opened (never lowered by a truncation), so that
     * the difference between two calls is what was appended in between; -1 if this journal does not count them.
     */
    default long appendedBytes() {
        return -1;
    }

    /** The highest index that counts as durable under the policy; safe from any thread. */
    long durableIndex();

    /** A reader of this journal for one other thread (consumers, followers' fetch). */
    JournalReader newReader();

    /**
     * Drops whole stored files all of whose entries are below {@code index}; the first index moves up to
     * the first entry still held (never above {@code index}). Reads below it throw {@link CompactedException}.
     */
    void compactBefore(long index);

    /**
     * Retention's clock: the first index whose stored file may hold an entry written less than {@code ageMillis}
     * ago, so that everything below it was written earlier; {@code lastIndex() + 1} if every file is that old.
     * A journal that keeps no write times answers {@link #firstIndex()} (nothing is old). Owner thread.
     */
    long firstIndexWrittenWithin(long ageMillis);

    /**
     * Retention by size: the first index of the oldest stored file such that it and every newer one take at most
     * {@code maxBytes} on disk (the file being written is always kept, however large); {@link #firstIndex()}
     * if all of them fit. A journal in memory answers {@link #firstIndex()}. Owner thread.
     */
    long firstIndexKeepingBytes(long maxBytes);

    FsyncPolicy policy();

    /**
     * The owner stopped after a failure (a halted node): nothing more is written, so a writer left broken by a
     * faulted write cannot add a half-written document, and the close is not a clean one (what is on file is
     * recovered at the next open, as after a crash). Owner thread.
     */
    default void abandon() {
    }

    /** The directory holding the journal's files, for messages about them; null for a journal without files. */
    default Path directory() {
        return null;
    }

    @Override
    void close();
}
