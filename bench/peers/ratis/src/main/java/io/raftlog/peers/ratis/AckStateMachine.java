package io.raftlog.peers.ratis;

import java.util.concurrent.CompletableFuture;

import org.apache.ratis.protocol.Message;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;

/**
 * A state machine that keeps nothing: applying a committed entry only records how far the log was applied and
 * answers with an empty message. The leader's reply to the client then means committed, and carries the entry's
 * log index ({@code RaftClientReply.getLogIndex()}). It also tells when its server leads and can take writes, so
 * that the benchmark waits for a leader without polling.
 */
final class AckStateMachine extends BaseStateMachine {
    private final Runnable onLeaderReady;

    /** @param onLeaderReady run when this server, as the leader, has applied its first entry of the term (on Ratis's thread) */
    AckStateMachine(Runnable onLeaderReady) {
        this.onLeaderReady = onLeaderReady;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        // Ratis needs the applied index for its own bookkeeping (snapshots, restarts); the payload is not read.
        updateLastAppliedTermIndex(TermIndex.valueOf(trx.getLogEntry()));
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    @Override
    public void notifyLeaderReady() {
        onLeaderReady.run();
    }
}
