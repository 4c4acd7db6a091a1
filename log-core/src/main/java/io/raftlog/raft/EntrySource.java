package io.raftlog.raft;

import org.agrona.DirectBuffer;

/**
 * The entries an AppendEntries message carries, as a view over bytes that someone else owns (a decoded
 * network frame, a ring slot, the simulator's copy). Entry {@code i} has index
 * {@code prevLogIndex + 1 + i}. The view is valid only for the duration of the call it is passed to.
 */
public interface EntrySource {

    int count();

    long term(int i);

    byte type(int i);

    DirectBuffer buffer(int i);

    int offset(int i);

    int length(int i);
}
