package io.raftlog.net.client;

import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.Protocol;
import io.raftlog.net.codec.RequestIdFrame;
import io.raftlog.net.codec.StatusFrame;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Asks every node for its STATUS at once, one short-lived thread and connection per node, and waits at most
 * the timeout in total: a node that refuses, hangs (accepts the connection but never answers) or is slow is
 * reported as unreachable with the reason, and never delays the answer for the others.
 */
final class StatusProbe {

    private StatusProbe() {
    }

    static List<NodeStatus> probe(List<NodeAddress> addresses, long clusterId, int timeoutMillis, int maxFrameLength) {
        AtomicReferenceArray<NodeStatus> results = new AtomicReferenceArray<>(addresses.size());
        FrameConnection[] open = new FrameConnection[addresses.size()];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            int slot = i;
            NodeAddress a = addresses.get(i);
            Thread t = new Thread(() -> results.set(slot, ask(a, clusterId, timeoutMillis, maxFrameLength, open, slot)),
                "raftlog-status-" + a);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        // A little grace past the per-node timeout so that each node's own reason (refused, no handshake
        // answer, no status answer) is what gets reported.
        long deadline = System.nanoTime() + (timeoutMillis + 200) * 1_000_000L;
        for (Thread t : threads) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left > 0) {
                try {
                    t.join(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        List<NodeStatus> out = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            NodeStatus s = results.get(i);
            if (s == null) {
                s = NodeStatus.unreachable(addresses.get(i), "no answer within " + timeoutMillis + " ms");
                synchronized (open) {
                    if (open[i] != null) {
                        open[i].close(); // unblocks the straggler's read
                    }
                }
            }
            out.add(s);
        }
        return out;
    }

    private static NodeStatus ask(NodeAddress a, long clusterId, int timeoutMillis, int maxFrameLength,
                                  FrameConnection[] open, int slot) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        try (FrameConnection c = FrameConnection.open(a, clusterId, timeoutMillis, timeoutMillis, maxFrameLength)) {
            synchronized (open) {
                open[slot] = c;
            }
            ExpandableArrayBuffer out = new ExpandableArrayBuffer(RequestIdFrame.LENGTH);
            long requestId = 1;
            int len = new RequestIdFrame().encode(out, 0, FrameType.STATUS_REQUEST, requestId);
            c.write(out.byteArray(), 0, len);
            StatusFrame status = new StatusFrame();
            while (true) {
                int left = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
                c.readTimeout(left);
                DirectBuffer frame = c.readFrame();
                int type = Protocol.type(frame, 0);
                if (type == FrameType.ERROR) {
                    return NodeStatus.unreachable(a, "answered " + FrameConnection.errorText(frame));
                }
                if (type != FrameType.STATUS) {
                    continue; // nothing else is expected; skip rather than fail a status display
                }
                String bad = status.wrap(frame, 0, frame.capacity());
                if (bad != null) {
                    return NodeStatus.unreachable(a, "malformed STATUS: " + bad);
                }
                if (status.requestId() != requestId) {
                    continue;
                }
                List<NodeStatus.Peer> peers = new ArrayList<>();
                for (int i = 0; i < status.peerCount(); i++) {
                    peers.add(new NodeStatus.Peer(status.peerId(i), status.peerMatchIndex(i), status.peerMillisSinceHeard(i)));
                }
                return new NodeStatus(a, null, status.nodeId(), roleName(status.role()), status.term(),
                    status.leaderId(), status.commitIndex(), status.firstIndex(), status.lastIndex(),
                    status.durableIndex(), List.copyOf(peers));
            }
        } catch (SocketTimeoutException e) {
            return NodeStatus.unreachable(a, "no answer within " + timeoutMillis + " ms");
        } catch (IOException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            String prefix = a + ": ";
            return NodeStatus.unreachable(a, m.startsWith(prefix) ? m.substring(prefix.length()) : m);
        }
    }

    static String roleName(io.raftlog.raft.Role role) {
        return role.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
