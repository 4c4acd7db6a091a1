package io.raftlog.net.server;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Where clients reach each member, by node id, for the address a NOT_LEADER names: this node's cluster entry for
 * the member unless the member advertises one (its LEADER_HINT, sent when a connection to a peer opens; one with
 * no address takes it back). Written by the transport thread, read by the threads that answer clients; an address
 * changes only when a peer connects with a new one.
 */
final class ClientAddresses {
    private final String[] clusterById;
    private final AtomicReferenceArray<String> byId;

    /** {@code clusterById}: each member's cluster entry as host:port, by id (null where no member). */
    ClientAddresses(String[] clusterById) {
        this.clusterById = clusterById.clone();
        this.byId = new AtomicReferenceArray<>(clusterById.clone());
    }

    /** The address clients are sent to for {@code nodeId}, or null for an id outside the cluster (0 included). */
    String of(int nodeId) {
        return nodeId > 0 && nodeId < byId.length() ? byId.get(nodeId) : null;
    }

    /**
     * Member {@code nodeId} said clients reach it at {@code address} (empty: it advertises none, so its cluster
     * entry is named again). False for an id outside the cluster.
     */
    boolean learned(int nodeId, String address) {
        if (nodeId <= 0 || nodeId >= byId.length() || clusterById[nodeId] == null) {
            return false;
        }
        String next = address.isEmpty() ? clusterById[nodeId] : address;
        if (!next.equals(byId.get(nodeId))) {
            byId.set(nodeId, next); // the same instance otherwise: NOT_LEADER texts are built once per instance
        }
        return true;
    }
}
