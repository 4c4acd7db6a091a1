package io.raftlog.net.client;

import java.io.IOException;

/**
 * A node answered the client's handshake with an ERROR that asking again will not change: another cluster id, a
 * protocol version it does not speak. A node that is down, busy or shutting down is not refused this way, and is
 * tried again; once every node given has refused, the tail or the appends fail at once instead of retrying until
 * their timeout.
 */
final class HandshakeRefusedException extends IOException {
    HandshakeRefusedException(String message) {
        super(message);
    }
}
