package io.raftlog.net.server;

import java.util.concurrent.atomic.AtomicReferenceArray;

import io.raftlog.net.transport.Connection;

/**
 * The client connections of a node, findable by a {@code long} key without allocating: the raft thread
 * answers an append long after the frame arrived, and carries only the key through the ring. A key is the
 * slot in a fixed table plus the connection's id, so an answer for a connection that closed (and whose
 * slot was reused) finds nobody instead of the wrong client. Register and remove on the transport thread;
 * look up from any thread.
 */
final class ClientConnections {
    private static final int SLOT_BITS = 16;
    private static final long SLOT_MASK = (1L << SLOT_BITS) - 1;

    private final AtomicReferenceArray<Connection> slots;
    private int nextProbe; // transport thread only

    ClientConnections(int capacity) {
        if (capacity < 1 || capacity > (1 << SLOT_BITS)) {
            throw new IllegalArgumentException("client connection capacity must be in [1, 65536], got " + capacity);
        }
        slots = new AtomicReferenceArray<>(capacity);
    }

    /** Returns the key for {@code c}, or -1 if every slot is taken (the caller refuses the client). */
    long register(Connection c) {
        int n = slots.length();
        for (int i = 0; i < n; i++) {
            int s = (nextProbe + i) % n;
            if (slots.get(s) == null) {
                slots.set(s, c);
                nextProbe = (s + 1) % n;
                return (c.id() << SLOT_BITS) | s;
            }
        }
        return -1;
    }

    void remove(long key) {
        int s = (int) (key & SLOT_MASK);
        Connection c = slots.get(s);
        if (c != null && c.id() == key >>> SLOT_BITS) {
            slots.compareAndSet(s, c, null);
        }
    }

    /** The connection with this key, or null if it is gone. */
    Connection get(long key) {
        int s = (int) (key & SLOT_MASK);
        if (s >= slots.length()) {
            return null;
        }
        Connection c = slots.get(s);
        return c != null && c.id() == key >>> SLOT_BITS ? c : null;
    }
}
