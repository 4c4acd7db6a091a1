package io.raftlog.net.transport;

import static io.raftlog.net.codec.Protocol.HEADER_LENGTH;

import io.raftlog.net.codec.ErrorCode;
import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.HandshakeFrame;
import io.raftlog.net.codec.Protocol;
import io.raftlog.net.codec.Roles;
import io.raftlog.net.transport.TransportCounters.Counter;
import org.agrona.DirectBuffer;

/**
 * What the transport lets in: frame headers (checked as soon as 8 bytes are there, before the body is read
 * or a buffer grows) and handshakes. Each check answers null, allocating nothing, or a {@link Refusal}.
 */
final class Admission {

    /** Why a frame was refused: the ERROR code to send, the counter to bump, the words to say. */
    record Refusal(int code, int failedType, Counter counter, String message) {
    }

    private Admission() {
    }

    static Refusal checkHeader(DirectBuffer buffer, int pos, int maxFrameLength) {
        int length = Protocol.frameLength(buffer, pos);
        if (length < HEADER_LENGTH || length > maxFrameLength) {
            return new Refusal(length > maxFrameLength ? ErrorCode.TOO_LARGE : ErrorCode.MALFORMED, 0, Counter.BAD_LENGTH,
                "frame length " + length + " is outside [" + HEADER_LENGTH + ", " + maxFrameLength + "]");
        }
        int version = Protocol.version(buffer, pos);
        int type = Protocol.type(buffer, pos);
        if (version != Protocol.VERSION) {
            return new Refusal(ErrorCode.UNSUPPORTED_VERSION, type, Counter.BAD_VERSION,
                "protocol version " + version + " is not supported; this side speaks " + Protocol.VERSION);
        }
        if (!FrameType.isKnown(type)) {
            return new Refusal(ErrorCode.UNKNOWN_TYPE, type, Counter.UNKNOWN_TYPE, "unknown frame type 0x" + Integer.toHexString(type));
        }
        int fixed = FrameType.fixedLength(type);
        if (length < fixed || (FrameType.isFixedSize(type) && length != fixed)) {
            return new Refusal(ErrorCode.MALFORMED, type, Counter.MALFORMED,
                FrameType.name(type) + " frame of " + length + " bytes; its fixed part is " + fixed);
        }
        return null;
    }

    /** The accepting node's check of the first frame on a connection; {@code handshake} is wrapped on it. */
    static Refusal checkHandshake(int type, HandshakeFrame handshake, String wrapError, TransportConfig config) {
        if (type != FrameType.HANDSHAKE) {
            return new Refusal(ErrorCode.UNEXPECTED_FRAME, type, Counter.UNEXPECTED_FRAME, "expected HANDSHAKE first, got " + FrameType.name(type));
        }
        if (wrapError != null) {
            return new Refusal(ErrorCode.MALFORMED, type, Counter.MALFORMED, wrapError);
        }
        if (handshake.clusterId() != config.clusterId) {
            return new Refusal(ErrorCode.WRONG_CLUSTER, type, Counter.WRONG_CLUSTER,
                "cluster id " + handshake.clusterId() + " does not match this node's " + config.clusterId);
        }
        int role = handshake.role();
        int nodeId = handshake.nodeId();
        if (role == Roles.NODE && (nodeId == 0 || nodeId == config.nodeId)) {
            return new Refusal(ErrorCode.UNEXPECTED_FRAME, type, Counter.UNEXPECTED_FRAME,
                "a node must give a node id other than 0 and " + config.nodeId + ", got " + nodeId);
        }
        if (role != Roles.NODE && role != Roles.CLIENT) {
            return new Refusal(ErrorCode.UNEXPECTED_FRAME, type, Counter.UNEXPECTED_FRAME, "unknown role " + role);
        }
        if (role == Roles.NODE && handshake.members() != config.membersDigest) {
            return new Refusal(ErrorCode.WRONG_CLUSTER, type, Counter.WRONG_CLUSTER, membersDiffer(nodeId, config));
        }
        return null;
    }

    private static String membersDiffer(int peer, TransportConfig config) {
        return "node " + peer + " was started with other cluster members than node " + config.nodeId
            + " (member digests differ): every node needs the same node ids in --cluster";
    }

    /** The connecting side's check of the node's answer (an ERROR answer is handled before this). */
    static Refusal checkAccept(int type, HandshakeFrame handshake, String wrapError, TransportConfig config,
                               Connection c) {
        if (type != FrameType.HANDSHAKE_ACCEPT) {
            return new Refusal(ErrorCode.UNEXPECTED_FRAME, type, Counter.UNEXPECTED_FRAME, "expected HANDSHAKE_ACCEPT, got " + FrameType.name(type));
        }
        String bad = wrapError;
        if (bad == null && handshake.clusterId() != config.clusterId) {
            bad = "cluster id " + handshake.clusterId() + " does not match ours, " + config.clusterId;
        }
        if (bad == null && (handshake.role() != Roles.NODE || handshake.nodeId() == 0)) {
            bad = "the acceptor must be a node with an id, said role " + handshake.role() + " id " + handshake.nodeId();
        }
        if (bad == null && config.role == Roles.NODE && handshake.members() != config.membersDigest) {
            bad = membersDiffer(handshake.nodeId(), config);
        }
        if (bad == null && c.expectedNodeId() != 0 && handshake.nodeId() != c.expectedNodeId()) {
            // Two peers' addresses swapped in --cluster: every message meant for one would reach the other.
            bad = "the node at " + c.remoteAddress() + " is node " + handshake.nodeId() + ", where --cluster names node "
                + c.expectedNodeId() + ": every node needs the same ids at the same addresses";
        }
        return bad == null ? null : new Refusal(ErrorCode.UNEXPECTED_FRAME, type, Counter.UNEXPECTED_FRAME, bad);
    }
}
