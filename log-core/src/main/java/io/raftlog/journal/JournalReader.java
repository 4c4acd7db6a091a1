package io.raftlog.journal;

/** Reads a {@link Journal} from a thread other than its writer. One instance per thread. */
public interface JournalReader extends AutoCloseable {

    /**
     * Reads entries from {@code fromIndex} up to {@code toIndexInclusive} (callers pass the commit index,
     * never beyond what the writer has finished appending), at most {@code maxCount} entries and about
     * {@code maxBytes} of payload (the first entry always). Returns how many were delivered.
     *
     * <p>Only entries that no truncation can replace while the read runs: committed ones (a follower truncates
     * only above its commit index), or any entry while the caller holds off truncations (the flusher's copy to
     * the tail files does, under the journal's flush lock). A read of uncommitted entries racing a truncation
     * and re-append could serve the replaced entries, or meet the new document's end and report corruption.
     *
     * @throws CompactedException if {@code fromIndex} is below the journal's first index
     */
    int read(long fromIndex, long toIndexInclusive, int maxCount, long maxBytes, EntryConsumer consumer);

    @Override
    void close();
}
