package io.raftlog.journal;

/** Reads a {@link Journal} from a thread other than its writer. One instance per thread. */
public interface JournalReader extends AutoCloseable {

    /**
     * Reads entries from {@code fromIndex} up to {@code toIndexInclusive} (callers pass the commit index,
     * never beyond what the writer has finished appending), at most {@code maxCount} entries and about
     * {@code maxBytes} of payload (the first entry always). Returns how many were delivered.
     *
     * @throws CompactedException if {@code fromIndex} is below the journal's first index
     */
    int read(long fromIndex, long toIndexInclusive, int maxCount, long maxBytes, EntryConsumer consumer);

    @Override
    void close();
}
