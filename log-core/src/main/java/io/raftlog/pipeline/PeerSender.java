package io.raftlog.pipeline;

import io.raftlog.journal.Journal;
import io.raftlog.raft.Message;

/**
 * Where the raft thread sends Raft messages. Must never block: if the peer's outbound buffer is full
 * (or the peer is unreachable) the message is dropped and {@code false} returned; Raft's retries and the
 * leader's probing recover, which is safer than letting one slow socket stall the only raft thread.
 */
@FunctionalInterface
public interface PeerSender {

    /**
     * Encodes {@code message} now (the instance is reused). An APPEND carries no payloads: its
     * {@code entryCount} entries after {@code prevLogIndex} are read from {@code log} during this call.
     */
    boolean send(Message message, Journal log);
}
