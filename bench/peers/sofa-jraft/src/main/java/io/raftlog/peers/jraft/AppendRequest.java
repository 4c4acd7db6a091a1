package io.raftlog.peers.jraft;

import java.io.Serializable;

/** One append as the benchmark client sends it to the leader (serialized by SOFABolt's default, Hessian). */
final class AppendRequest implements Serializable {
    private static final long serialVersionUID = 1L;

    final long correlation;
    final byte[] payload;

    AppendRequest(long correlation, byte[] payload) {
        this.correlation = correlation;
        this.payload = payload;
    }
}
