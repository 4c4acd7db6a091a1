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
}
