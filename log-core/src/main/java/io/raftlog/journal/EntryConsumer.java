package io.raftlog.journal;

import org.agrona.DirectBuffer;

/** Receives entries read from a journal; the buffer is only valid during the call. */
@FunctionalInterface
public interface EntryConsumer {
    /** Return false to stop reading after this entry. */
    boolean accept(long index, long term, byte type, DirectBuffer buffer, int offset, int length);
}
