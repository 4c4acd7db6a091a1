package io.raftlog.net.client;

import org.agrona.DirectBuffer;

/**
 * Receives committed entries of a tail in index order, each exactly once. Indexes increase but may skip
 * numbers (internal no-op entries are not delivered). The buffer is only valid during the call; copy what
 * you keep. Called on the subscription's own thread.
 */
@FunctionalInterface
public interface EntryHandler {

    void onEntry(long index, DirectBuffer buffer, int offset, int length);

    /** After the entries of one received frame: a good moment to flush output. */
    default void endOfBatch() {
    }

    /**
     * Under {@link OnCompacted#SKIP}: the entries {@code fromIndex..toIndex} were dropped on every node before
     * this tail read them, and it goes on at {@code toIndex + 1}. A tail from index 1 of a log whose beginning
     * was dropped says so too, once, with {@code fromIndex} 1.
     */
    default void skipped(long fromIndex, long toIndex) {
    }
}
