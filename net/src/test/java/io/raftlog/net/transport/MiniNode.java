package io.raftlog.net.transport;

import java.util.concurrent.atomic.AtomicLong;

import io.raftlog.net.codec.AppendAckFrame;
import io.raftlog.net.codec.ClientAppendDecoder;
import io.raftlog.net.codec.ErrorCode;
import io.raftlog.net.codec.FetchFrame;
import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.LeaderHintFrame;
import io.raftlog.net.codec.PeerMessageCodec;
import io.raftlog.net.codec.RequestIdFrame;
import io.raftlog.net.codec.StatusFrame;
import io.raftlog.raft.Message;
import io.raftlog.raft.Role;
import org.agrona.DirectBuffer;

/**
 * A stand-in node for transport tests: it decodes every frame with the codec (closing the connection
 * with MALFORMED when a body does not parse, as the real server does), acknowledges APPENDs and answers
 * STATUS_REQUEST. It allocates nothing per frame.
 */
class MiniNode implements FrameHandler {
    final AtomicLong framesDecoded = new AtomicLong();
    final AtomicLong appendsAcked = new AtomicLong();
    private final int nodeId;
    private final PeerMessageCodec peerCodec;
    private final Message message = new Message();
    private final ClientAppendDecoder append;
    private final RequestIdFrame requestId = new RequestIdFrame();
    private final FetchFrame fetch = new FetchFrame();
    private final LeaderHintFrame hint = new LeaderHintFrame();
    private final AppendAckFrame ack = new AppendAckFrame();
    private final StatusFrame status = new StatusFrame();
    private long nextIndex = 1;

    MiniNode(int nodeId, int maxFrameLength) {
        this.nodeId = nodeId;
        this.peerCodec = new PeerMessageCodec(maxFrameLength);
        this.append = ClientAppendDecoder.forMaxFrameLength(maxFrameLength);
    }

    @Override
    public void onFrame(Connection connection, int type, int flags, DirectBuffer buffer, int offset, int length) {
        String bad;
        switch (type) {
            case FrameType.APPEND -> {
                bad = append.wrap(buffer, offset, length);
                if (bad == null) {
                    int index = connection.tryClaim(AppendAckFrame.LENGTH);
                    if (index >= 0) {
                        ack.encode(connection.claimBuffer(), index, append.clientId(), append.firstSequence(), nextIndex, append.count());
                        connection.commit(index);
                        nextIndex += append.count();
                        appendsAcked.incrementAndGet();
                    }
                }
            }
            case FrameType.STATUS_REQUEST -> {
                bad = requestId.wrap(buffer, offset, length);
                if (bad == null) {
                    int index = connection.tryClaim(StatusFrame.FIXED_LENGTH);
                    if (index >= 0) {
                        status.wrap(connection.claimBuffer(), index, requestId.requestId(), nodeId, Role.LEADER, 1, nodeId,
                            nextIndex - 1, 1, nextIndex - 1, nextIndex - 1);
                        connection.commit(index);
                    }
                }
            }
            case FrameType.CANCEL -> bad = requestId.wrap(buffer, offset, length);
            case FrameType.FETCH -> bad = fetch.wrap(buffer, offset, length);
            case FrameType.LEADER_HINT -> bad = hint.wrap(buffer, offset, length);
            case FrameType.ERROR -> bad = null;
            default -> bad = peerCodec.decode(buffer, offset, length, message);
        }
        if (bad != null) {
            connection.closeWithError(ErrorCode.MALFORMED, type, bad);
        } else {
            framesDecoded.incrementAndGet();
        }
    }
}
