package io.raftlog.pipeline;

import io.raftlog.raft.Role;

/** Hooks for the server, called on the raft thread; they must return quickly and never block. */
public interface PipelineListener {
    PipelineListener NONE = new PipelineListener() {
    };

    /** The role, term or known leader changed (the pipeline also logs one line for it). */
    default void roleChanged(Role role, long term, int leaderId) {
    }

    /** The commit index advanced during the last batch (for waking the thread that serves consumers). */
    default void commitAdvanced(long commitIndex) {
    }

    /**
     * The raft thread met an internal failure (a bug or a failed write/fsync) and stopped taking part in
     * the cluster (fail-stop): the node must be restarted, which recovers it from its journal.
     */
    default void halted(Throwable cause) {
    }
}
