package io.raftlog.net.transport;

import io.raftlog.net.codec.AppendAckFrame;
import io.raftlog.net.codec.ClientAppendDecoder;
import io.raftlog.net.codec.CompactedFrame;
import io.raftlog.net.codec.EndOfLogFrame;
import io.raftlog.net.codec.EntriesDecoder;
import io.raftlog.net.codec.ErrorFrame;
import io.raftlog.net.codec.FetchFrame;
import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.HandshakeFrame;
import io.raftlog.net.codec.LeaderHintFrame;
import io.raftlog.net.codec.PeerMessageCodec;
import io.raftlog.net.codec.Protocol;
import io.raftlog.net.codec.RequestIdFrame;
import io.raftlog.net.codec.StatusFrame;
import io.raftlog.raft.Message;
import org.agrona.DirectBuffer;

/**
 * Reads any frame the way a receiver would - header check, then the type's flyweight - and, when it is
 * valid, touches every field and every entry, so a decoder that reads outside the frame fails with the
 * buffer's bounds check.
 */
final class AnyFrameReader {
    private final int maxFrameLength;
    private final HandshakeFrame handshake = new HandshakeFrame();
    private final ErrorFrame error = new ErrorFrame();
    private final PeerMessageCodec peer;
    private final Message message = new Message();
    private final LeaderHintFrame hint = new LeaderHintFrame();
    private final ClientAppendDecoder append;
    private final AppendAckFrame ack = new AppendAckFrame();
    private final FetchFrame fetch = new FetchFrame();
    private final RequestIdFrame requestId = new RequestIdFrame();
    private final EntriesDecoder entries;
    private final EndOfLogFrame endOfLog = new EndOfLogFrame();
    private final CompactedFrame compacted = new CompactedFrame();
    private final StatusFrame status = new StatusFrame();
    long sink;

    AnyFrameReader(int maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
        peer = new PeerMessageCodec(maxFrameLength);
        append = ClientAppendDecoder.forMaxFrameLength(maxFrameLength);
        entries = EntriesDecoder.forMaxFrameLength(maxFrameLength);
    }

    /** Null if the frame at {@code offset} (exactly {@code length} bytes) is valid, else the reason. */
    String read(DirectBuffer buffer, int offset, int length) {
        if (length < Protocol.HEADER_LENGTH) {
            return "shorter than a header";
        }
        String bad = Protocol.checkHeader(buffer, offset, maxFrameLength);
        if (bad != null) {
            return bad;
        }
        int type = Protocol.type(buffer, offset);
        switch (type) {
            case FrameType.HANDSHAKE, FrameType.HANDSHAKE_ACCEPT -> {
                bad = handshake.wrap(buffer, offset, length);
                if (bad == null) {
                    sink += handshake.clusterId() + handshake.nodeId() + handshake.role();
                }
            }
            case FrameType.ERROR -> {
                bad = error.wrap(buffer, offset, length);
                if (bad == null) {
                    sink += error.code() + error.failedType() + error.leaderId() + error.correlationId() + error.sequence()
                        + error.address().length() + error.message().length();
                }
            }
            case FrameType.LEADER_HINT -> {
                bad = hint.wrap(buffer, offset, length);
                if (bad == null) {
                    sink += hint.from() + hint.to() + hint.term() + hint.leaderId() + hint.address().length();
                }
            }
            case FrameType.APPEND -> {
                bad = append.wrap(buffer, offset, length);
                if (bad == null) {
                    sink += append.clientId() + append.firstSequence();
                    for (int i = 0; i < append.count(); i++) {
                        sink += touch(append.buffer(), append.payloadOffset(i), append.payloadLength(i));
                    }
                }
            }
            case FrameType.APPEND_ACK -> {
                bad = ack.wrap(buffer, offset, length);
                if (bad == null) {
                    sink += ack.clientId() + ack.firstSequence() + ack.firstIndex() + ack.count();
                }
            }
            case FrameType.FETCH -> {
                bad = fetch.wrap(buffer, offset, length);
                if (bad == null) {
                    sink += fetch.requestId() + fetch.fromIndex() + fetch.maxBytes() + (fetch.follow() ? 1 : 0);
                }
            }
            case FrameType.CANCEL, FrameType.STATUS_REQUEST -> {
                bad = requestId.wrap(buffer, offset, length);
                if (bad == null) {
                    sink += requestId.requestId();
                }
            }
            case FrameType.ENTRIES -> {
                bad = entries.wrap(buffer, offset, length);
                if (bad == null) {
                    sink += entries.requestId();
                    for (int i = 0; i < entries.count(); i++) {
                        sink += entries.index(i) + touch(entries.buffer(), entries.payloadOffset(i), entries.payloadLength(i));
                    }
                }
            }
            case FrameType.END_OF_LOG -> {
                bad = endOfLog.wrap(buffer, offset, length);
                if (bad == null) {
                    sink += endOfLog.requestId() + endOfLog.nextIndex() + endOfLog.commitIndex();
                }
            }
            case FrameType.COMPACTED -> {
                bad = compacted.wrap(buffer, offset, length);
                if (bad == null) {
                    sink += compacted.requestId() + compacted.firstIndex();
                }
            }
            case FrameType.STATUS -> {
                bad = status.wrap(buffer, offset, length);
                if (bad == null) {
                    sink += status.requestId() + status.nodeId() + status.role().ordinal() + status.term() + status.leaderId()
                        + status.commitIndex() + status.firstIndex() + status.lastIndex() + status.durableIndex();
                    for (int i = 0; i < status.peerCount(); i++) {
                        sink += status.peerId(i) + status.peerMatchIndex(i) + status.peerMillisSinceHeard(i);
                    }
                }
            }
            default -> {
                bad = peer.decode(buffer, offset, length, message);
                if (bad == null) {
                    sink += message.term + message.from + message.to + message.lastLogIndex + message.matchIndex;
                    if (message.entries != null) {
                        for (int i = 0; i < message.entries.count(); i++) {
                            sink += message.entries.term(i) + message.entries.type(i)
                                + touch(message.entries.buffer(i), message.entries.offset(i), message.entries.length(i));
                        }
                    }
                }
            }
        }
        return bad;
    }

    private static long touch(DirectBuffer buffer, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        return buffer.getByte(offset) + buffer.getByte(offset + length - 1);
    }
}
