package io.raftlog.pipeline;

import java.nio.ByteOrder;
import java.util.Arrays;

import io.raftlog.journal.FsyncPolicy;
import io.raftlog.journal.HardStateStore;
import io.raftlog.journal.Journal;
import io.raftlog.raft.EntryType;
import io.raftlog.raft.HardState;
import io.raftlog.raft.Message;
import io.raftlog.raft.MessageType;
import io.raftlog.raft.RaftConfig;
import io.raftlog.raft.RaftNode;
import io.raftlog.raft.RaftOutput;
import io.raftlog.raft.Role;

import com.lmax.disruptor.EventHandler;

import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raft thread: the only owner of the {@link RaftNode}, the journal's writer side, the client sessions
 * and the pending appends. It consumes the ring one event at a time and, at the end of each Disruptor
 * batch (whatever the ring held: batching by availability), lets the core replicate what was proposed,
 * asks for the batch to be made durable, and publishes the node's status.
 */
final class RaftDriver implements EventHandler<PipelineEvent>, RaftOutput {
    private static final Logger LOG = LoggerFactory.getLogger(RaftDriver.class);

    private final int nodeId;
    private final int[] members;
    private final Journal journal;
    private final HardStateStore hardStateStore;
    private final ClientSessions sessions;
    private final SessionTrackingLog log;
    private final PendingAppends pending;
    private final PeerMessageDecoder decoder;
    private final PeerSender sender;
    private final ClientResponder responder;
    private final PipelineListener listener;
    private final NodeStatus status;
    private final Flusher flusher; // null: flush inline (policies under which written entries count at once)
    private final Message inbound = new Message();
    private final WarningThrottle peerWarnings = new WarningThrottle(LOG, 100);
    /**
     * Per member (as in {@link #members}): the index through which a SNAPSHOT to it was last logged. The leader
     * repeats a SNAPSHOT at every heartbeat until it is answered; one line per snapshot is enough.
     */
    private final long[] snapshotLoggedThrough;
    private final RaftNode node;

    private Role role = Role.FOLLOWER;
    private long flushRequestedIndex = -1;
    private long flushRequestedTerm = -1;
    private final int followerForceMaxBytes;
    private final Retention retention;
    /** Retention is looked at about once a second, counted in ticks. */
    private final int retentionCheckTicks;
    private final long tickMillis;
    private int ticksSinceRetentionCheck;
    /** {@link Journal#appendedBytes()} at the last flush request: what a request adds is the difference. */
    private long appendedAtFlushRequest;
    private long flushRequestedAtNs;
    private long publishedCommit;
    private boolean shutdownRequested;
    /** Set after an internal failure: the node stops taking part (fail-stop) until it is restarted. */
    private volatile Throwable haltedBy;
    private Runnable onShutdown = () -> { };

    RaftDriver(PipelineConfig config, RaftConfig raftConfig, Journal journal, HardStateStore hardStateStore,
        PeerMessageDecoder decoder, PeerSender sender, ClientResponder responder, PipelineListener listener,
        NodeStatus status, Flusher flusher) {
        this.nodeId = raftConfig.nodeId();
        this.members = raftConfig.members();
        this.snapshotLoggedThrough = new long[members.length];
        this.journal = journal;
        this.hardStateStore = hardStateStore;
        this.sessions = new ClientSessions(config.sessionClients(), config.sessionRuns());
        this.log = new SessionTrackingLog(journal, sessions);
        this.pending = new PendingAppends(config.maxPendingAppends());
        this.decoder = decoder;
        this.sender = sender;
        this.responder = responder;
        this.listener = listener;
        this.status = status;
        this.flusher = flusher;
        this.followerForceMaxBytes = config.followerForceMaxBytes();
        this.retention = config.retention();
        this.retentionCheckTicks = (int) Math.max(1, 1000 / config.tickMillis());
        this.tickMillis = config.tickMillis();
        long rebuilt = log.rebuild(config.sessionRebuildEntries());
        HardState hs = hardStateStore.load();
        this.node = new RaftNode(raftConfig, log, hs, this);
        LOG.info("node {} starting: term {}, voted for {}, log [{}, {}], {} client sessions from the last {} entries",
            nodeId, hs.term(), hs.votedFor(), journal.firstIndex(), journal.lastIndex(), sessions.size(), rebuilt);
        publishStatus();
    }

    void onShutdown(Runnable action) {
        this.onShutdown = action;
    }

    static boolean flushesInline(FsyncPolicy policy) {
        return policy.mode() != FsyncPolicy.Mode.BATCH;
    }

    @Override
    public void onEvent(PipelineEvent e, long sequence, boolean endOfBatch) {
        if (haltedBy != null) {
            onEventWhileHalted(e);
            return;
        }
        // Errors too, and around the release: a fault in a write through the journal's memory map (a full disk)
        // surfaces as an InternalError at some later point of this thread, possibly in the release.
        boolean handled = false;
        try {
            try {
                switch (e.kind) {
                    case EventKind.PEER_MESSAGE -> onPeerMessage(e);
                    case EventKind.CLIENT_APPEND -> onClientAppend(e);
                    case EventKind.FLUSHED -> node.persisted(e.index, e.term);
                    case EventKind.TICK -> onTick();
                    case EventKind.SHUTDOWN -> shutdownRequested = true;
                    case EventKind.FLUSH_FAILED -> throw new IllegalStateException("making the journal durable failed: "
                        + flusher.failure(), flusher.failure());
                    case EventKind.NONE -> { }
                    default -> LOG.warn("node {}: ignored ring event of kind {}", nodeId, EventKind.name(e.kind));
                }
                handled = true;
            } finally {
                e.release();
            }
        } catch (RuntimeException | Error ex) {
            halt(EventKind.name(e.kind) + " event", ex);
            // A client append handled in full was answered, or waits in the pending appends that the halt just
            // answered: only one that failed on its way gets its answer here (a fault in the release came twice).
            if (e.kind == EventKind.CLIENT_APPEND && !handled) {
                responder.appendFailed(e.connectionId, e.clientId, e.firstSequence, AppendError.NOT_LEADER, 0, null);
            }
        }
        if (endOfBatch && haltedBy == null) {
            endBatch();
        }
    }

    private void onTick() {
        status.ticked(System.nanoTime());
        node.tick();
        if (!retention.keepsAll() && ++ticksSinceRetentionCheck >= retentionCheckTicks) {
            ticksSinceRetentionCheck = 0;
            applyRetention();
        }
    }

    /**
     * Drops the journal files whose entries are all committed and either were all written more than the
     * retention ago or lie beyond the size bound (whole files only, oldest first). Committed only: those a
     * majority holds, so a follower that still needs them can be sent a snapshot instead (RaftNode's SNAPSHOT),
     * and the entries stay readable on the nodes that have not dropped them yet. The drop forces the journal on
     * this thread, once per compaction (its marker; however many files go), and then the directory.
     */
    private void applyRetention() {
        long first = journal.firstIndex();
        long byAge = retention.maxAgeMillis() > 0 ? journal.firstIndexWrittenWithin(retention.maxAgeMillis()) : first;
        long bySize = retention.maxBytes() > 0 ? journal.firstIndexKeepingBytes(retention.maxBytes()) : first;
        long before = Math.min(node.commitIndex() + 1, Math.max(byAge, bySize));
        if (before <= first) {
            return;
        }
        journal.compactBefore(before);
        if (journal.firstIndex() > first) {
            LOG.info("node {}: retention dropped entries {} to {} ({})", nodeId, first, journal.firstIndex() - 1, retention);
        }
    }

    private void onPeerMessage(PipelineEvent e) {
        inbound.clear();
        String problem = decoder.decode(e.buffer(), 0, e.length, inbound);
        if (problem != null) {
            status.countMalformedPeerFrame();
            peerWarnings.warn("node {}: dropped a malformed peer frame: {}", nodeId, problem);
            return;
        }
        try {
            node.step(inbound);
        } catch (IllegalArgumentException badMessage) {
            // A frame that decoded but breaks Raft's rules (not a member, terms out of order, an ack beyond our
            // log): the core refused it before changing any state, so drop it and keep serving.
            status.countMalformedPeerFrame();
            peerWarnings.warn("node {}: dropped an invalid peer message: {}", nodeId, badMessage.getMessage());
        } finally {
            inbound.entries = null;
        }
    }

    private void onClientAppend(PipelineEvent e) {
        long conn = e.connectionId;
        long client = e.clientId;
        long seq = e.firstSequence;
        int count = e.count;
        if (node.role() != Role.LEADER) {
            responder.appendRefused(conn, client, seq, AppendError.NOT_LEADER, node.leaderId(), null);
            return;
        }
        long existing = sessions.lookup(client, seq, count, e.resend);
        if (existing >= 0) {
            // A retry of entries the log already holds: answer with their original indexes, never append again.
            if (existing + count - 1 <= node.commitIndex()) {
                responder.appendAcked(conn, client, seq, existing, count);
            } else if (pending.isFull()) {
                busy(conn, client, seq, false); // the entries are in the log: not a refusal
            } else {
                pending.add(conn, client, seq, existing, count);
            }
            return;
        }
        if (existing == ClientSessions.TOO_OLD) {
            responder.appendFailed(conn, client, seq, AppendError.INVALID, node.leaderId(), "sequence " + seq
                + " of client " + client + " was sent before and may already be in the log, but this node no longer"
                + " remembers that client's appends that far back; not appended again, to avoid a duplicate");
            return;
        }
        if (existing == ClientSessions.CONFLICT) {
            responder.appendFailed(conn, client, seq, AppendError.INVALID, node.leaderId(), "sequences " + seq
                + ".." + (seq + count - 1) + " of client " + client + " overlap a different append already in the log");
            return;
        }
        if (pending.isFull()) {
            busy(conn, client, seq, true);
            return;
        }
        DirectBuffer buf = e.buffer();
        int pos = 0;
        long first = -1;
        for (int i = 0; i < count; i++) {
            int len = buf.getInt(pos, ByteOrder.LITTLE_ENDIAN);
            long index = node.propose(EntryType.DATA, buf, pos + 4, len);
            if (index < 0) {
                // Only a non-leader refuses, and we checked: treat it as losing leadership mid-batch.
                responder.appendFailed(conn, client, seq, AppendError.NOT_LEADER, node.leaderId(), null);
                return;
            }
            if (first < 0) {
                first = index;
            }
            pos += 4 + len;
        }
        pending.add(conn, client, seq, first, count);
    }

    /**
     * Fail-stop. Bad input never gets here (it is refused above); what does is a bug or a storage failure
     * (a write or an fsync that failed), after which this node's state can no longer be trusted to follow
     * Raft. Limping on would repeat the failure on every event while the node still held its votes and its
     * leadership, so it stops taking part instead: the others elect a leader without it, and a restart
     * recovers it from its journal, where everything it ever acknowledged is durable.
     */
    private void halt(String what, Throwable failure) {
        RuntimeException explained = MappedWriteFault.explain(failure, journal.directory());
        Throwable cause = explained != null ? explained : failure;
        haltedBy = cause;
        journal.abandon();
        LOG.error("node " + nodeId + ": " + what + " failed; the node stops taking part in the cluster and must be"
            + " restarted", cause);
        pending.failAll(AppendError.NOT_LEADER, 0, responder);
        // What other threads read of this node: no longer leading nor following anyone. Its last status would
        // keep sending clients' appends here (a halted leader still "leading") and keep tails waiting on a
        // commit index that no longer moves, where the command-line server exits but an embedded one stays up.
        status.roleChanged(Role.FOLLOWER, node.term(), 0);
        listener.halted(cause);
    }

    /** Whether the node halted (safe from any thread once the raft thread has stopped). */
    boolean halted() {
        return haltedBy != null;
    }

    private void onEventWhileHalted(PipelineEvent e) {
        try {
            if (e.kind == EventKind.CLIENT_APPEND) {
                responder.appendRefused(e.connectionId, e.clientId, e.firstSequence, AppendError.NOT_LEADER, 0, null);
            } else if (e.kind == EventKind.SHUTDOWN) {
                shutdownRequested = true;
                onShutdown.run();
            }
        } finally {
            e.release();
        }
    }

    /** {@code refused}: the request appended nothing (see {@link ClientResponder#appendRefused}). */
    private void busy(long conn, long client, long seq, boolean refused) {
        status.countBusy();
        if (refused) {
            responder.appendRefused(conn, client, seq, AppendError.BUSY, nodeId, "too many appends waiting to commit");
        } else {
            responder.appendFailed(conn, client, seq, AppendError.BUSY, nodeId, "too many appends waiting to commit");
        }
    }

    private void endBatch() {
        try {
            node.replicate();
            // The batch's entries go to the files (as one document) before the flusher is asked to make them
            // durable: it only ever forces what was written.
            journal.writePending();
            requestFlush();
        } catch (RuntimeException | Error ex) {
            halt("end of batch", ex);
            return;
        }
        publishStatus();
        if (shutdownRequested) {
            pending.failAll(AppendError.NOT_LEADER, 0, responder);
            onShutdown.run();
        }
    }

    /** Asks for the log to be durable up to its last entry, once per new (lastIndex, term). */
    private void requestFlush() {
        long last = journal.lastIndex();
        if (last < journal.firstIndex()) {
            return;
        }
        long term = journal.termAt(last);
        if (last == flushRequestedIndex && term == flushRequestedTerm) {
            return;
        }
        flushRequestedIndex = last;
        flushRequestedTerm = term;
        if (flusher == null) {
            long durable = journal.flush();
            if (durable >= last) {
                node.persisted(last, term);
            }
        } else if (forcesHere()) {
            forceHere(last, term);
        } else {
            flusher.request(last, term);
        }
    }

    /**
     * Whether this request's force runs on this thread ({@link #forceHere}): a follower's, when the flusher is
     * idle, the batch appended at most {@link PipelineConfig#followerForceMaxBytes()}, and the batches come
     * further apart than a force takes. Then forcing here never holds up the next batch. Under load (W1 with fsync)
     * batches follow each other within microseconds, and the flusher forcing one while this thread writes the
     * next is what keeps up: forcing small batches here whenever the flusher was idle cost W1k with fsync 2-19%
     * of its throughput (3 of 3 pairs), without the spacing rule.
     */
    private boolean forcesHere() {
        long appended = journal.appendedBytes();
        long requestBytes = appended - appendedAtFlushRequest;
        appendedAtFlushRequest = appended;
        long now = System.nanoTime();
        long sincePrevious = now - flushRequestedAtNs;
        flushRequestedAtNs = now;
        // followerForceMaxBytes 0 means always the flusher, also for a batch of no payload bytes (a leader's no-op
        // entry), which "at most 0 bytes" would otherwise let through.
        return role == Role.FOLLOWER && followerForceMaxBytes > 0 && appended >= 0 && requestBytes <= followerForceMaxBytes
            && sincePrevious >= flusher.lastForceNanos() && flusher.isIdle();
    }

    /**
     * A follower's small batch is forced on this thread rather than by the flusher: its answer then waits for
     * the fsync alone, not also for two hand-offs between threads (to the flusher, and back through the ring),
     * each a wake-up that in W2 with fsync took 40-120 µs and at times far longer (docs/BENCHMARKS.md). Nothing
     * else a follower does meanwhile would let the leader commit sooner. A leader always hands the force over:
     * it takes its followers' answers, which can commit without its own force, while the flusher forces. So
     * does a follower's large batch (see {@link PipelineConfig#followerForceMaxBytes()}).
     *
     * <p>Failures end as on the flusher: a failed write or force halts the node (thrown to {@link #endBatch});
     * a failure to read the entries back, before anything was forced, goes to the flusher, which retries it.
     */
    private void forceHere(long last, long term) {
        long started = System.nanoTime();
        long durable;
        try {
            durable = journal.flush();
        } catch (RuntimeException e) { // an Error (a write through the map that faulted) goes on up and halts too
            if (Flusher.isStorageFailure(e)) {
                throw new IllegalStateException("making the journal durable failed: " + e, e); // halts, never retried
            }
            LOG.warn("node {}: flush up to index {} failed before forcing; the flusher retries it: {}", nodeId, last, e.toString());
            flusher.request(last, term);
            return;
        }
        if (flusher.forced(last, durable, started)) {
            node.persisted(last, term);
        }
    }

    private void publishStatus() {
        // The commit index and last index below reach other threads (the fetch service reads up to the commit
        // index); a follower may commit entries it staged in this very batch, so they must be written first.
        // Normally endBatch already wrote them and this does nothing.
        journal.writePending();
        long commit = node.commitIndex();
        status.update(commit, journal.firstIndex(), journal.lastIndex(), node.durableIndex(), node.leaderCommitHeard());
        boolean leader = role == Role.LEADER;
        for (int i = 0; i < members.length; i++) {
            long match = !leader ? 0 : members[i] == nodeId ? node.durableIndex() : node.matchIndex(members[i]);
            status.matchIndex(i, match);
            status.millisSinceHeard(i, leader ? node.ticksSinceHeard(members[i]) * tickMillis : -1);
        }
        if (commit > publishedCommit) {
            publishedCommit = commit;
            listener.commitAdvanced(commit);
        }
    }

    // ---- RaftOutput: called by the core, on this thread ----

    @Override
    public void persistHardState(long term, int votedFor) {
        hardStateStore.save(new HardState(term, votedFor));
    }

    @Override
    public void send(Message message) {
        if (message.type == MessageType.SNAPSHOT) {
            logSnapshotSent(message);
        }
        sender.send(message, journal);
    }

    /** A snapshot sent is rare and tells an operator that a follower fell behind what retention keeps. */
    private void logSnapshotSent(Message m) {
        int slot = Arrays.binarySearch(members, m.to);
        if (slot >= 0 && snapshotLoggedThrough[slot] != m.prevLogIndex) {
            snapshotLoggedThrough[slot] = m.prevLogIndex;
            LOG.info("node {} sends node {} a snapshot through index {} (term {}): the entries it needs are compacted here",
                nodeId, m.to, m.prevLogIndex, m.prevLogTerm);
        }
    }

    @Override
    public void committed(long commitIndex) {
        pending.ackUpTo(commitIndex, responder);
    }

    @Override
    public void roleChanged(Role newRole, long term, int leaderId) {
        Role old = role;
        role = newRole;
        status.roleChanged(newRole, term, leaderId);
        LOG.info("node {} is {} in term {}, leader {}", nodeId, newRole, term, leaderId == 0 ? "unknown" : leaderId);
        if (old == Role.LEADER && newRole != Role.LEADER) {
            pending.failAll(AppendError.NOT_LEADER, leaderId, responder);
        }
        listener.roleChanged(newRole, term, leaderId);
    }
}
