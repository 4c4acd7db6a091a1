package io.raftlog.net.transport;

import org.agrona.DirectBuffer;

/**
 * What a {@link Transport} tells its owner. Every method runs on the transport thread; none may block.
 */
public interface FrameHandler {

    /**
     * A whole frame arrived on a connection whose handshake is complete and whose type is allowed for the
     * remote's role (see {@link FramePolicy}). {@code buffer[offset, offset + length)} is the frame,
     * header included (wrap a codec flyweight at {@code offset}); the bytes are valid only during this
     * call. For a body that does not parse, call
     * {@link Connection#closeWithError(int, int, String)} with {@code ErrorCode.MALFORMED}.
     */
    void onFrame(Connection connection, int type, int flags, DirectBuffer buffer, int offset, int length);

    /** The handshake completed: the connection is active and {@link Connection#offer} may be used. */
    default void onConnected(Connection connection) {
    }

    /**
     * An active connection ended, or a connection without reconnect ended before becoming active. A
     * reconnecting connection ({@link Transport#connect}) will call {@link #onConnected} again later.
     */
    default void onClosed(Connection connection, String reason) {
    }

    /**
     * Called once per duty cycle on the transport thread, for owners that want work done there (timers,
     * draining their own queues). Returns the amount of work done (0 lets the thread idle).
     */
    default int onDutyCycle(long nowNs) {
        return 0;
    }
}
