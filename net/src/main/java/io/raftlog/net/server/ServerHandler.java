package io.raftlog.net.server;

import io.raftlog.net.codec.ClientAppendDecoder;
import io.raftlog.net.codec.ClientAppendEncoder;
import io.raftlog.net.codec.ErrorCode;
import io.raftlog.net.codec.ErrorFrame;
import io.raftlog.net.codec.FetchFrame;
import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.LeaderHintFrame;
import io.raftlog.net.codec.PeerFrame;
import io.raftlog.net.codec.Protocol;
import io.raftlog.net.codec.RequestIdFrame;
import io.raftlog.net.codec.Roles;
import io.raftlog.net.codec.StatusFrame;
import io.raftlog.net.transport.Connection;
import io.raftlog.net.transport.FrameHandler;
import io.raftlog.pipeline.NodeStatus;
import io.raftlog.pipeline.PipelineConfig;
import io.raftlog.pipeline.PipelineEvent;
import io.raftlog.pipeline.RaftPipeline;
import io.raftlog.pipeline.WarningThrottle;
import io.raftlog.raft.Role;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node does with the frames its transport receives, on the transport thread. Peer frames are
 * copied into the ring as they are (the raft thread decodes them). Client APPENDs are checked against the
 * bounds and copied into a ring slot as stored DATA entries; FETCH and CANCEL go to the fetch thread;
 * STATUS_REQUEST is answered here from the status the raft thread publishes. Nothing here waits: a full
 * ring means BUSY for the client (and a dropped peer frame, which Raft retries).
 */
final class ServerHandler implements FrameHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ServerHandler.class);
    /** Largest payload of one entry: an AppendEntries carrying it alone must fit one transport send. */
    static final int MAX_ENTRY_BYTES = Protocol.MAX_ENTRY_BYTES;

    private final int nodeId;
    private final int[] members;
    /**
     * The connection each peer opened to this node, by its slot in {@link #members} (transport thread only). A
     * peer reconnecting replaces its old connection, which is closed: one that a peer's crash left half-open
     * (no FIN, and inbound peer connections carry no traffic of ours to notice) would otherwise hold its ring,
     * some MiB, for good, and peers do not count against the connection limit.
     */
    private final Connection[] inboundPeers;
    private final RaftPipeline pipeline;
    private final NodeStatus status;
    /** Client appends are built here, outside the ring, then handed over whole (transport thread only). */
    private final PipelineEvent staged;
    private final FetchService fetch;
    private final ClientConnections clients;
    private final ClientResponses errors; // transport thread's own instance (it has a scratch buffer)
    private final ClientAddresses clientAddresses;
    /** What this node advertises to its peers for clients ("": nothing, name it by your own entry). */
    private final String advertised;
    /** This node's LEADER_HINT (its advertised address), told to each peer when a connection to it opens. */
    private final LeaderHintFrame hint = new LeaderHintFrame();
    private final ExpandableArrayBuffer hintBuffer = new ExpandableArrayBuffer(64);
    private final ClientAppendDecoder append;
    private final FetchFrame fetchFrame = new FetchFrame();
    private final RequestIdFrame requestId = new RequestIdFrame();
    private final StatusFrame statusFrame = new StatusFrame();
    private final ErrorFrame errorFrame = new ErrorFrame();
    private final WarningThrottle peerErrors = new WarningThrottle(LOG, 100);
    private final int maxEntriesPerAppend;
    private final long maxAppendBytes;

    ServerHandler(int nodeId, int[] members, RaftPipeline pipeline, FetchService fetch, ClientConnections clients,
        ClientResponses errors, ClientAddresses clientAddresses, String advertised, int maxFrameLength) {
        this.nodeId = nodeId;
        this.members = members.clone();
        this.inboundPeers = new Connection[members.length];
        this.pipeline = pipeline;
        this.status = pipeline.status();
        this.staged = pipeline.newStagingEvent();
        this.fetch = fetch;
        this.clients = clients;
        this.errors = errors;
        this.clientAddresses = clientAddresses;
        this.advertised = advertised;
        this.append = ClientAppendDecoder.forMaxFrameLength(maxFrameLength);
        PipelineConfig pc = pipeline.config();
        this.maxEntriesPerAppend = pc.maxEntriesPerAppend();
        this.maxAppendBytes = pc.maxAppendBytes();
    }

    @Override
    public void onConnected(Connection c) {
        if (c.remoteRole() == Roles.CLIENT) {
            long key = clients.register(c);
            if (key < 0) {
                c.closeWithError(ErrorCode.BUSY, 0, "node " + nodeId + " has too many client connections");
                return;
            }
            c.attach(key);
        } else if (c.isOutbound()) {
            // Where clients reach this node, which may not be the address the peer dialled (NAT, containers, a
            // proxy): the peer names it to clients it redirects here. Sent on each connection, empty when nothing
            // is advertised, so a node restarted with another --advertise, or none, corrects its peers. A fresh
            // connection's ring has room; were it full, the peer would keep what it knew.
            int len = hint.encode(hintBuffer, 0, nodeId, c.remoteNodeId(), 0, nodeId, advertised);
            if (!c.offer(hintBuffer, 0, len)) {
                LOG.warn("node {}: could not tell node {} where clients reach this node", nodeId, c.remoteNodeId());
            }
        } else {
            int slot = peerSlot(c.remoteNodeId());
            if (slot < 0) {
                c.closeWithError(ErrorCode.UNEXPECTED_FRAME, FrameType.HANDSHAKE, "node " + c.remoteNodeId()
                    + " is not a member of this cluster (node " + nodeId + ")");
                return;
            }
            Connection previous = inboundPeers[slot];
            inboundPeers[slot] = c;
            if (previous != null && previous != c) {
                previous.close("node " + c.remoteNodeId() + " connected again");
            }
        }
    }

    @Override
    public void onClosed(Connection c, String reason) {
        if (c.attachment() instanceof Long key) {
            clients.remove(key);
        } else if (!c.isOutbound() && c.remoteRole() == Roles.NODE) {
            int slot = peerSlot(c.remoteNodeId());
            if (slot >= 0 && inboundPeers[slot] == c) {
                inboundPeers[slot] = null;
            }
        }
    }

    @Override
    public void onFrame(Connection c, int type, int flags, DirectBuffer buffer, int offset, int length) {
        if (c.remoteRole() == Roles.NODE) {
            onPeerFrame(c, type, buffer, offset, length);
            return;
        }
        switch (type) {
            case FrameType.APPEND -> onAppend(c, buffer, offset, length);
            case FrameType.FETCH -> onFetch(c, buffer, offset, length);
            case FrameType.CANCEL -> {
                String bad = requestId.wrap(buffer, offset, length);
                if (bad != null) {
                    c.closeWithError(ErrorCode.MALFORMED, type, bad);
                    return;
                }
                fetch.cancel(c, requestId.requestId());
            }
            case FrameType.STATUS_REQUEST -> onStatus(c, buffer, offset, length);
            default -> c.closeWithError(ErrorCode.UNEXPECTED_FRAME, type, FrameType.name(type) + " is not a client request");
        }
    }

    private void onPeerFrame(Connection c, int type, DirectBuffer buffer, int offset, int length) {
        switch (type) {
            case FrameType.ERROR -> {
                String bad = errorFrame.wrap(buffer, offset, length);
                peerErrors.warn("node {}: {} sent {}", nodeId, c, bad != null ? "a malformed ERROR: " + bad : errorFrame);
            }
            case FrameType.LEADER_HINT -> onLeaderHint(c, buffer, offset, length);
            default -> {
                int from = PeerFrame.sender(buffer, offset, length);
                if (from != c.remoteNodeId()) {
                    // A connection speaks for the node that opened it: one member must not pass for another.
                    c.closeWithError(ErrorCode.UNEXPECTED_FRAME, type, FrameType.name(type) + " from node " + from
                        + " on the connection of node " + c.remoteNodeId());
                    return;
                }
                pipeline.publishPeerMessage(buffer, offset, length); // full ring: dropped, Raft retries
            }
        }
    }

    /**
     * A peer tells where clients reach it (a node speaks only for itself). An address clients cannot use (not
     * HOST:PORT, a wildcard, port 0) is logged and taken as none: this node's entry for the peer is named, and
     * the connection stays.
     */
    private void onLeaderHint(Connection c, DirectBuffer buffer, int offset, int length) {
        String bad = hint.wrap(buffer, offset, length);
        if (bad != null) {
            c.closeWithError(ErrorCode.MALFORMED, FrameType.LEADER_HINT, bad);
            return;
        }
        if (hint.leaderId() != c.remoteNodeId() || hint.from() != c.remoteNodeId()) {
            c.closeWithError(ErrorCode.UNEXPECTED_FRAME, FrameType.LEADER_HINT, "LEADER_HINT for node " + hint.leaderId()
                + " from node " + hint.from() + " on the connection of node " + c.remoteNodeId());
            return;
        }
        String address = hint.address(); // allocates: once per peer connection
        if (!address.isEmpty()) {
            try {
                ServerConfig.checkAdvertised(ServerConfig.parseHostPort(address)); // no lookup: a name stays unresolved
            } catch (IllegalArgumentException e) {
                // Printable characters only: the text is the peer's, and a line break in it would forge a log line.
                peerErrors.warn("node {}: node {} advertises a client address that will not do ({}); clients are sent"
                    + " to its cluster entry", nodeId, c.remoteNodeId(), e.getMessage().replaceAll("[^\\x20-\\x7e]", "?"));
                address = "";
            }
        }
        String before = clientAddresses.of(c.remoteNodeId());
        clientAddresses.learned(c.remoteNodeId(), address);
        String now = clientAddresses.of(c.remoteNodeId());
        if (!now.equals(before)) {
            LOG.info("node {}: clients reach node {} at {}", nodeId, c.remoteNodeId(), now);
        }
    }

    private void onAppend(Connection c, DirectBuffer buffer, int offset, int length) {
        String bad = append.wrap(buffer, offset, length);
        if (bad != null) {
            c.closeWithError(ErrorCode.MALFORMED, FrameType.APPEND, bad);
            return;
        }
        long clientId = append.clientId();
        long firstSequence = append.firstSequence();
        int count = append.count();
        if (count == 0) {
            reply(c, ErrorCode.INVALID, clientId, firstSequence, "an append needs at least one payload");
            return;
        }
        if (count > maxEntriesPerAppend) {
            reply(c, ErrorCode.TOO_LARGE, clientId, firstSequence, count + " payloads in one append; the limit is "
                + maxEntriesPerAppend);
            return;
        }
        long bytes = 0;
        for (int i = 0; i < count; i++) {
            int len = append.payloadLength(i);
            if (len > MAX_ENTRY_BYTES) {
                reply(c, ErrorCode.TOO_LARGE, clientId, firstSequence, "payload " + i + " has " + len
                    + " bytes; the limit is " + MAX_ENTRY_BYTES);
                return;
            }
            bytes += len;
        }
        if (bytes > maxAppendBytes) {
            reply(c, ErrorCode.TOO_LARGE, clientId, firstSequence, bytes + " payload bytes in one append; the limit is "
                + maxAppendBytes);
            return;
        }
        if (status.role() != Role.LEADER) {
            // Cheap early answer; the raft thread checks again (leadership may change in between).
            errors.appendRefused((Long) c.attachment(), clientId, firstSequence,
                io.raftlog.pipeline.AppendError.NOT_LEADER, status.leaderId(), null);
            return;
        }
        if (!pipeline.hasRoomForClientAppend()) {
            reply(c, ErrorCode.BUSY, clientId, firstSequence, "node " + nodeId + " is busy; retry later");
            return;
        }
        staged.clientAppend((Long) c.attachment(), clientId, firstSequence,
            (Protocol.flags(buffer, offset) & ClientAppendEncoder.FLAG_RESEND) != 0);
        try {
            staged.reservePayloads(count, bytes);
            for (int i = 0; i < count; i++) {
                staged.addPayload(buffer, append.payloadOffset(i), append.payloadLength(i));
            }
        } catch (RuntimeException e) {
            staged.abandon(); // never half an append: the client gets no answer and retries
            throw e;
        }
        if (!pipeline.publishClientAppend(staged)) {
            reply(c, ErrorCode.BUSY, clientId, firstSequence, "node " + nodeId + " is busy; retry later");
        }
    }

    /** Refuses an append before any of it reached the ring: it appended nothing, and the answer says so. */
    private void reply(Connection c, int code, long clientId, long firstSequence, String message) {
        errors.sendError(c, code, FrameType.APPEND, ErrorFrame.FLAG_NOT_APPENDED, 0, clientId, firstSequence, null, message);
    }

    private void onFetch(Connection c, DirectBuffer buffer, int offset, int length) {
        String bad = fetchFrame.wrap(buffer, offset, length);
        if (bad != null) {
            c.closeWithError(ErrorCode.MALFORMED, FrameType.FETCH, bad);
            return;
        }
        long id = fetchFrame.requestId();
        long from = fetchFrame.fromIndex();
        if (from < 1) {
            errors.sendError(c, ErrorCode.INVALID, FrameType.FETCH, 0, id, 0, null,
                "fetch from index " + from + ": log indexes start at 1");
            return;
        }
        String stopped = fetch.stoppedMessage();
        if (stopped == null) {
            if (!fetch.fetch(c, id, from, fetchFrame.maxBytes(), fetchFrame.follow())) {
                errors.sendError(c, ErrorCode.BUSY, FrameType.FETCH, 0, id, 0, null, "too many fetches queued; retry");
                return;
            }
            // Looked at again after queueing: a fetch thread that stopped before it took this one from the queue
            // never answers it (it drains the queue once, as it stops). An answer given twice changes nothing.
            stopped = fetch.stoppedMessage();
        }
        if (stopped != null) {
            errors.sendError(c, ErrorCode.STORAGE_FAILURE, FrameType.FETCH, 0, id, 0, null, stopped);
        }
    }

    private void onStatus(Connection c, DirectBuffer buffer, int offset, int length) {
        String bad = requestId.wrap(buffer, offset, length);
        if (bad != null) {
            c.closeWithError(ErrorCode.MALFORMED, FrameType.STATUS_REQUEST, bad);
            return;
        }
        boolean leader = status.role() == Role.LEADER;
        int at = c.tryClaim(StatusFrame.frameLength(leader ? members.length - 1 : 0));
        if (at < 0) {
            return; // the client's ring is full, so bytes are on their way to it: that shows it the node alive
        }
        statusFrame.wrap(c.claimBuffer(), at, requestId.requestId(), nodeId, status.role(), status.term(),
            status.leaderId(), status.commitIndex(), status.firstIndex(), status.lastIndex(), status.durableIndex());
        if (leader) {
            for (int m : members) {
                if (m != nodeId) {
                    statusFrame.addPeer(m, status.matchIndex(m), status.millisSinceHeard(m));
                }
            }
        }
        c.commit(at);
    }

    /** The slot of peer {@code id} in {@link #members}, or -1 if it is not a member other than this node. */
    private int peerSlot(int id) {
        for (int i = 0; i < members.length; i++) {
            if (members[i] == id && id != nodeId) {
                return i;
            }
        }
        return -1;
    }
}
