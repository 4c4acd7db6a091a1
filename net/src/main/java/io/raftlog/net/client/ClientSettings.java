package io.raftlog.net.client;

import io.raftlog.net.codec.ClientAppendEncoder;

import java.time.Duration;
import java.util.List;

/** Everything a {@link LogClient} was built with; see {@link LogClient.Builder} for the meaning of each. */
record ClientSettings(List<NodeAddress> addresses, long clusterId, long clientId, int window, Duration timeout,
                      Duration requestTimeout, Duration connectTimeout, Duration keepAlive, int maxFrameLength,
                      int maxAppendBytes, int fetchMaxBytes) {
    /** The shortest quiet before a ping: below it, a ping would go out between a node's ordinary answers. */
    static final int MIN_PING_AFTER_MILLIS = 10;

    /**
     * How long a tail's connection may be quiet before the client pings the node; quiet as long again after the
     * ping, the node is taken for hung. The keep-alive, at most a third of the request timeout, so that a silent
     * node is left well before a slow one would be.
     */
    int pingAfterMillis() {
        return pingAfter(requestTimeout.toMillis());
    }

    /**
     * As {@link #pingAfterMillis} for the producer, also at most a third of the append timeout: appends that expire
     * before a ping is due leave nothing awaited, and a producer of short-lived appends stayed on a frozen node for
     * good (found in review). A tail is always awaiting, and keeps the longer keep-alive.
     */
    int appendPingAfterMillis() {
        return pingAfter(Math.min(requestTimeout.toMillis(), timeout.toMillis()));
    }

    private int pingAfter(long boundingTimeoutMillis) {
        return (int) Math.max(MIN_PING_AFTER_MILLIS, Math.min(keepAlive.toMillis(), boundingTimeoutMillis / 3));
    }

    /**
     * How long a node that took the TCP connection may take to answer the handshake: the connect timeout, at most
     * twice the keep-alive in use ({@code pingAfterMillis}). A live node answers at once (its network thread does,
     * as it answers pings); a frozen one's kernel still completes the TCP connection, and a client that a stale
     * NOT_LEADER sent back to it would otherwise wait out the whole connect timeout.
     */
    static int handshakeTimeoutMillis(int connectTimeoutMillis, int pingAfterMillis) {
        return Math.max(1, Math.min(connectTimeoutMillis, 2 * pingAfterMillis));
    }

    String nodes() {
        return NodeAddress.join(addresses);
    }

    /** The largest payload one APPEND can carry: the frame limit minus the fixed part and one length field. */
    int maxPayload() {
        return maxFrameLength - ClientAppendEncoder.frameLength(1, 0);
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 == 0) {
            return (ms / 1000) + "s";
        }
        return ms + "ms";
    }
}
