package io.raftlog.net.server;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Where clients reach each member, by node id, for the address a NOT_LEADER names: a member's cluster entry until
 * it tells otherwise (its LEADER_HINT, sent when a connection to a peer opens, carries its advertised address),
 * this node's own advertised address from the start. Written by the transport thread, read by the threads that
 * answer clients; an address changes only when a peer connects with a new one.
 */
final class ClientAddresses {
    private final AtomicReferenceArray<String> byId;

    /** {@code clusterById}: each member's cluster entry as host:port, by id (null where no member). */
    ClientAddresses(String[] clusterById, int selfId, String selfAdvertised) {
        this.byId = new AtomicReferenceArray<>(clusterById.clone());
        byId.set(selfId, selfAdvertised);
    }

    /** The address clients are sent to for {@code nodeId}, or null for an id outside the cluster (0 included). */
    String of(int nodeId) {
        return nodeId > 0 && nodeId < byId.length() ? byId.get(nodeId) : null;
    }

    /** Member {@code nodeId} said clients reach it at {@code address}. False for an id outside the cluster. */
    boolean learned(int nodeId, String address) {
        if (nodeId <= 0 || nodeId >= byId.length() || byId.get(nodeId) == null) {
            return false;
        }
        byId.set(nodeId, address);
        return true;
    }
}
