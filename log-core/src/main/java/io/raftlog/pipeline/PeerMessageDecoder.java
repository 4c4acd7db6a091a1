package io.raftlog.pipeline;

import io.raftlog.raft.Message;

import org.agrona.DirectBuffer;

/**
 * Turns a peer frame the network thread copied into a ring slot into a {@link Message} (the wire format
 * belongs to the net module, which log-core cannot see). Called only on the raft thread.
 */
@FunctionalInterface
public interface PeerMessageDecoder {

    /**
     * Fills {@code into} (already cleared) from the frame; an APPEND's {@code entries} may be a view over
     * {@code buffer}, valid until the next call. Returns null on success, or a one-line description of
     * what is wrong with the frame (the raft thread counts and logs it and keeps going).
     */
    String decode(DirectBuffer buffer, int offset, int length, Message into);
}
