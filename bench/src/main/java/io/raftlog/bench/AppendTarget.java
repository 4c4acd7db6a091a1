package io.raftlog.bench;

import java.nio.file.Path;

import io.raftlog.net.client.AppendCallback;
import org.agrona.DirectBuffer;

/**
 * Where the load generator sends appends: a raftlog client connected to a cluster (in-process or remote),
 * or a stand-in in tests. The outcome comes back through the client's own allocation-free
 * {@link AppendCallback}, so measuring adds no object per append.
 */
public interface AppendTarget extends AutoCloseable {

    /** The RESULT line's {@code system} for raftlog itself. */
    String RAFTLOG = "raftlog";

    /**
     * Sends one append; the bytes are copied before this returns. Exactly one of the callback's methods is
     * called once the entry is committed (with its index) or has failed, on whatever thread the target
     * completes appends.
     */
    void append(DirectBuffer payload, int offset, int length, AppendCallback callback);

    /** Which replicated log takes the appends, for the RESULT line's {@code system} field. */
    default String system() {
        return RAFTLOG;
    }

    /** How appends reach the log, for the RESULT line's {@code path} field (e.g. "in-process 3 nodes, loopback TCP"). */
    String path();

    /**
     * What the target saw during the run that explains its numbers (for an in-process cluster: each node's
     * role, term and overload counters), or an empty string when it has nothing to add.
     */
    default String describe() {
        return "";
    }

    /**
     * The directory the log keeps its data in while the run lasts, whose disk the load generator watches
     * ({@link DiskCounters}); null when the data is elsewhere (a remote cluster) or there is none.
     */
    default Path dataDirectory() {
        return null;
    }

    @Override
    void close();
}
