package io.raftlog.bench;

import java.util.concurrent.CompletableFuture;

/**
 * Where the load generator sends appends: a raftlog client connected to a cluster (in-process or remote),
 * or a stand-in in tests. Kept to one method so the generator does not depend on how the client is built.
 */
public interface AppendTarget extends AutoCloseable {

    /**
     * Appends one entry. The future completes with the entry's index once it is committed, or
     * exceptionally. The generator passes the same unchanging array every time.
     */
    CompletableFuture<Long> append(byte[] payload);

    /** How appends reach the log, for the RESULT line's {@code path} field (e.g. "in-process 3 nodes, loopback TCP"). */
    String path();

    @Override
    void close();
}
