package io.raftlog.net.server;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** One {@link RawClient} per node of a test cluster in this JVM, connected on first use. */
final class RawClients implements AutoCloseable {
    private final long clusterId;
    private final Map<Integer, RawClient> byNode = new HashMap<>();

    RawClients(long clusterId) {
        this.clusterId = clusterId;
    }

    RawClient of(RaftServer s) throws IOException {
        RawClient c = byNode.get(s.config().nodeId());
        if (c == null) {
            c = new RawClient(s.boundAddress(), clusterId);
            byNode.put(s.config().nodeId(), c);
        }
        return c;
    }

    /** Closes the connection to a node that is about to stop, so a later {@link #of} connects afresh. */
    void close(int nodeId) throws IOException {
        RawClient c = byNode.remove(nodeId);
        if (c != null) {
            c.close();
        }
    }

    @Override
    public void close() throws IOException {
        for (RawClient c : byNode.values()) {
            c.close();
        }
        byNode.clear();
    }
}
