package io.raftlog.journal;

import io.raftlog.raft.HardState;

/** Durable (term, votedFor). {@link #save} returns only once the state survives a crash. */
public interface HardStateStore extends AutoCloseable {
    HardState load();

    void save(HardState state);

    @Override
    void close();
}
