package io.raftlog.net.server;

import java.util.concurrent.atomic.AtomicLong;

import io.raftlog.net.codec.AppendAckFrame;
import io.raftlog.net.codec.ErrorCode;
import io.raftlog.net.codec.ErrorFrame;
import io.raftlog.net.codec.FrameType;
import io.raftlog.net.transport.Connection;
import io.raftlog.pipeline.AppendError;
import io.raftlog.pipeline.ClientResponder;

import org.agrona.ExpandableArrayBuffer;

/**
 * Answers client appends on the raft thread: APPEND_ACK when the entries committed, an ERROR frame
 * (NOT_LEADER with the leader's address, BUSY, TOO_LARGE, INVALID) otherwise. The answer goes into the
 * connection's outbound ring without waiting; if the client is gone or reads so slowly that its ring is
 * full, the answer is dropped and counted, and the client's retry (same clientId and sequence) gets the
 * original indexes.
 */
final class ClientResponses implements ClientResponder {
    private final ClientConnections connections;
    private final ClientAddresses addresses;
    private final AppendAckFrame ack = new AppendAckFrame();
    private final ErrorFrame error = new ErrorFrame();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(2048);
    private final AtomicLong dropped = new AtomicLong();
    /**
     * NOT_LEADER's text per leader id (index 0: none known), and the address each was built for: built once per
     * address, since a leader that steps down answers every pending append (up to 65,536) at once, and the frame
     * encoder reuses the bytes of a repeated message.
     */
    private final String[] notLeaderText;
    private final String[] notLeaderTextAddress;

    ClientResponses(ClientConnections connections, ClientAddresses addresses, int maxNodeId) {
        this.connections = connections;
        this.addresses = addresses;
        this.notLeaderText = new String[maxNodeId + 1];
        this.notLeaderTextAddress = new String[maxNodeId + 1];
    }

    /** The NOT_LEADER text naming {@code leaderId} (0: none known), the same instance while its address stays. */
    String notLeaderText(int leaderId) {
        String address = addresses.of(leaderId);
        int id = address != null ? leaderId : 0;
        String text = notLeaderText[id];
        if (text == null || address != notLeaderTextAddress[id]) { // the same instance until a peer tells a new one
            text = id > 0 ? "not the leader; node " + id + " at " + address + " leads" : "not the leader; no leader known yet";
            notLeaderText[id] = text;
            notLeaderTextAddress[id] = address;
        }
        return text;
    }

    long dropped() {
        return dropped.get();
    }

    @Override
    public void appendAcked(long connectionId, long clientId, long firstSequence, long firstIndex, int count) {
        Connection c = connections.get(connectionId);
        if (c == null) {
            dropped.incrementAndGet();
            return;
        }
        int at = c.tryClaim(AppendAckFrame.LENGTH);
        if (at < 0) {
            dropped.incrementAndGet();
            return;
        }
        ack.encode(c.claimBuffer(), at, clientId, firstSequence, firstIndex, count);
        c.commit(at);
    }

    @Override
    public void appendFailed(long connectionId, long clientId, long firstSequence, AppendError why, int leaderId,
        String detail) {
        answerFailure(connectionId, clientId, firstSequence, why, leaderId, detail, 0);
    }

    @Override
    public void appendRefused(long connectionId, long clientId, long firstSequence, AppendError why, int leaderId,
        String detail) {
        answerFailure(connectionId, clientId, firstSequence, why, leaderId, detail, ErrorFrame.FLAG_NOT_APPENDED);
    }

    private void answerFailure(long connectionId, long clientId, long firstSequence, AppendError why, int leaderId,
        String detail, int flags) {
        Connection c = connections.get(connectionId);
        if (c == null) {
            dropped.incrementAndGet();
            return;
        }
        String address = addresses.of(leaderId);
        int code = switch (why) {
            case NOT_LEADER -> ErrorCode.NOT_LEADER;
            case BUSY -> ErrorCode.BUSY;
            case TOO_LARGE -> ErrorCode.TOO_LARGE;
            case INVALID -> ErrorCode.INVALID;
        };
        String message = detail != null ? detail : switch (why) {
            case NOT_LEADER -> notLeaderText(leaderId);
            case BUSY -> "too many appends in progress; retry later";
            default -> why.name();
        };
        sendError(c, code, FrameType.APPEND, flags, why == AppendError.NOT_LEADER ? leaderId : 0, clientId, firstSequence,
            why == AppendError.NOT_LEADER ? address : null, message);
    }

    /** Encodes an ERROR frame and queues it; any thread that owns this instance. */
    void sendError(Connection c, int code, int failedType, int leaderId, long correlationId, long sequence,
        String address, String message) {
        sendError(c, code, failedType, 0, leaderId, correlationId, sequence, address, message);
    }

    /** As above, with the frame's {@code flags} ({@link ErrorFrame#FLAG_NOT_APPENDED}). */
    void sendError(Connection c, int code, int failedType, int flags, int leaderId, long correlationId, long sequence,
        String address, String message) {
        scratch.checkLimit(ErrorFrame.maxLength(address));
        int len = error.encode(scratch, 0, code, failedType, flags, leaderId, correlationId, sequence, address, message);
        if (!c.offer(scratch, 0, len)) {
            dropped.incrementAndGet();
        }
    }
}
