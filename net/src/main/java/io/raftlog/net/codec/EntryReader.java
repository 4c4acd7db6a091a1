package io.raftlog.net.codec;

import io.raftlog.journal.EntryConsumer;

/**
 * Where an {@link AppendEntriesEncoder} gets entries from: the shape of
 * {@link io.raftlog.journal.Journal#read(long, int, long, EntryConsumer)}, so {@code journal::read} fits
 * (keep the method reference in a field: creating it per call may allocate).
 */
@FunctionalInterface
public interface EntryReader {
    /** Delivers up to {@code maxCount} entries from {@code fromIndex}; returns how many were delivered. */
    int read(long fromIndex, int maxCount, long maxBytes, EntryConsumer consumer);
}
