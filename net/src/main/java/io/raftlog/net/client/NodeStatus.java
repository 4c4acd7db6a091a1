package io.raftlog.net.client;

import java.util.List;

/**
 * What one node said about itself, or why it said nothing. {@code error} is null when the node answered;
 * otherwise only {@code address} and {@code error} mean anything ("connection refused", "no answer within
 * 2000 ms"). {@code peers} is filled on the leader only: each follower's matchIndex, and how long ago the leader
 * last heard from it (a follower that stopped keeps its last matchIndex; this grows).
 */
public record NodeStatus(NodeAddress address, String error, int nodeId, String role, long term, int leaderId,
                         long commitIndex, long firstIndex, long lastIndex, long durableIndex, List<Peer> peers) {

    public record Peer(int nodeId, long matchIndex, long millisSinceHeard) {
    }

    public static NodeStatus unreachable(NodeAddress address, String error) {
        return new NodeStatus(address, error, 0, "unreachable", 0, 0, -1, -1, -1, -1, List.of());
    }

    public boolean reachable() {
        return error == null;
    }

    /** Why each node that did not answer said nothing, {@code "host:port: reason; ..."}; empty if all answered. */
    public static String problems(List<NodeStatus> nodes) {
        StringBuilder out = new StringBuilder();
        for (NodeStatus s : nodes) {
            if (!s.reachable()) {
                out.append(out.length() == 0 ? "" : "; ").append(s.address()).append(": ").append(s.error());
            }
        }
        return out.toString();
    }

    public boolean isLeader() {
        return reachable() && "leader".equals(role);
    }
}
