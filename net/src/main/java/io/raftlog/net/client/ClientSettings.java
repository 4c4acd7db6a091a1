package io.raftlog.net.client;

import io.raftlog.net.codec.ClientAppendEncoder;

import java.time.Duration;
import java.util.List;

/** Everything a {@link LogClient} was built with; see {@link LogClient.Builder} for the meaning of each. */
record ClientSettings(List<NodeAddress> addresses, long clusterId, long clientId, int window, Duration timeout,
                      Duration requestTimeout, Duration connectTimeout, int maxFrameLength, int maxAppendBytes,
                      int fetchMaxBytes) {

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
