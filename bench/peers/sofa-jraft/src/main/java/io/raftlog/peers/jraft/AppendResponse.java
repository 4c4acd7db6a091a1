package io.raftlog.peers.jraft;

import java.io.Serializable;

/** The leader's answer: committed and applied, or why not (not the leader, or the log refused it). */
final class AppendResponse implements Serializable {
    private static final long serialVersionUID = 1L;

    final long correlation;
    final boolean committed;
    final String error;

    AppendResponse(long correlation, boolean committed, String error) {
        this.correlation = correlation;
        this.committed = committed;
        this.error = error;
    }
}
