package io.raftlog.net.client;

import java.util.Arrays;

/**
 * Which of the nodes given to a client refused the handshake for good ({@link HandshakeRefusedException}) at
 * their latest try. Once every one has, waiting out a timeout changes nothing (another cluster id stays
 * another), so the appender fails its outstanding appends and a tail ends. A node that connects again is
 * taken off. Not thread-safe: each user touches it from one thread or under its own lock.
 */
final class HandshakeRefusals {
    private final boolean[] refused;

    HandshakeRefusals(int nodes) {
        this.refused = new boolean[nodes];
    }

    /** Node {@code at} (its place among the addresses given) refused; true when now every node has. */
    boolean refusedBy(int at) {
        refused[at] = true;
        for (boolean r : refused) {
            if (!r) {
                return false;
            }
        }
        return true;
    }

    /** Node {@code at} took the handshake. */
    void acceptedBy(int at) {
        refused[at] = false;
    }

    /** Starts over: every node gets to refuse again before the next verdict. */
    void clear() {
        Arrays.fill(refused, false);
    }
}
