package io.raftlog.net.transport;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What a {@link Transport} has seen, readable from any thread. The transport thread is the only writer
 * of all but {@link Counter#SEND_REJECTED}, so it updates with ordered stores (no locked instructions
 * on the hot path).
 */
public final class TransportCounters {

    public enum Counter {
        CONNECTIONS_ACCEPTED,
        /** Connections refused because {@link TransportConfig#maxAcceptedConnections} were open (at accept or handshake). */
        CONNECTIONS_REFUSED,
        CONNECTIONS_OPENED,
        HANDSHAKES_COMPLETED,
        CONNECTIONS_CLOSED,
        CONNECT_FAILURES,
        FRAMES_RECEIVED,
        FRAMES_SENT,
        BYTES_READ,
        BYTES_WRITTEN,
        READ_CALLS,
        WRITE_CALLS,
        /** offer/tryClaim refused because the ring was full or the connection not active (any thread). */
        SEND_REJECTED,
        /** Frames left in a ring when its connection went down. */
        FRAMES_DISCARDED,
        /** Every connection closed because of what the remote sent (the sum of the kinds below). */
        PROTOCOL_ERRORS,
        BAD_LENGTH,
        BAD_VERSION,
        UNKNOWN_TYPE,
        UNEXPECTED_FRAME,
        WRONG_CLUSTER,
        MALFORMED,
        TRUNCATED,
        HANDSHAKE_TIMEOUTS,
        /** Outbound connections closed and opened again because the socket took nothing for a while. */
        WRITE_STALLS,
        HANDLER_ERRORS,
        /** Errors the remote sent us (an ERROR frame before or instead of a handshake accept). */
        REFUSED_BY_REMOTE
    }

    private static final Counter[] ALL = Counter.values();
    private final AtomicLongArray values = new AtomicLongArray(ALL.length);

    public long get(Counter counter) {
        return values.get(counter.ordinal());
    }

    /** Transport thread only. */
    void add(Counter counter, long delta) {
        int i = counter.ordinal();
        values.lazySet(i, values.get(i) + delta);
    }

    void increment(Counter counter) {
        add(counter, 1);
    }

    /** Any thread. */
    void incrementConcurrent(Counter counter) {
        values.getAndIncrement(counter.ordinal());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Counter c : ALL) {
            long v = get(c);
            if (v != 0) {
                sb.append(sb.length() == 0 ? "" : " ").append(c.name().toLowerCase()).append('=').append(v);
            }
        }
        return sb.toString();
    }
}
