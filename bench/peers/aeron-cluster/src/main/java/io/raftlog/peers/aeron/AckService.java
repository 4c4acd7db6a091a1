package io.raftlog.peers.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The clustered service of the peer benchmark: it keeps no state and answers each message with its first
 * eight bytes, the client's correlation number. Aeron Cluster hands a message to its service only once the
 * consensus module has committed it, so the answer plays the part of raftlog's commit acknowledgement. On a
 * follower the offer does nothing (Aeron mocks it), so only the leader answers.
 */
final class AckService implements ClusteredService {
    static final int CORRELATION_BYTES = Long.BYTES;

    private final UnsafeBuffer reply = new UnsafeBuffer(new byte[CORRELATION_BYTES]);
    private IdleStrategy idle;

    @Override
    public void onStart(Cluster cluster, Image snapshotImage) {
        idle = cluster.idleStrategy();
    }

    @Override
    public void onSessionMessage(ClientSession session, long timestamp, DirectBuffer buffer, int offset, int length,
        Header header) {
        reply.putLong(0, buffer.getLong(offset));
        idle.reset();
        while (session.offer(reply, 0, CORRELATION_BYTES) < 0) {
            idle.idle(); // egress back-pressured: the client polls it on a thread of its own
        }
    }

    @Override
    public void onSessionOpen(ClientSession session, long timestamp) {
    }

    @Override
    public void onSessionClose(ClientSession session, long timestamp, CloseReason closeReason) {
    }

    @Override
    public void onTimerEvent(long correlationId, long timestamp) {
    }

    @Override
    public void onTakeSnapshot(ExclusivePublication snapshotPublication) {
    }

    @Override
    public void onRoleChange(Cluster.Role newRole) {
    }

    @Override
    public void onTerminate(Cluster cluster) {
    }
}
