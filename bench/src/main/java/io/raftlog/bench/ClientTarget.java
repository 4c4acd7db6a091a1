package io.raftlog.bench;

import java.nio.file.Path;

import io.raftlog.net.client.AppendCallback;
import io.raftlog.net.client.LogClient;
import org.agrona.DirectBuffer;

/**
 * Appends through the raftlog Java client, the path every producer takes: its callback API, which
 * allocates nothing per append. Closing closes the client, then whatever the target owns (the in-process
 * cluster it was started for).
 */
public final class ClientTarget implements AppendTarget {
    private final LogClient client;
    private final String path;
    private final AutoCloseable owned;

    /**
     * @param client a client whose window is at least the load spec's, so its append never blocks
     * @param path   how the appends travel, for the RESULT line
     * @param owned  closed after the client; null for nothing
     */
    public ClientTarget(LogClient client, String path, AutoCloseable owned) {
        this.client = client;
        this.path = path;
        this.owned = owned;
    }

    @Override
    public void append(DirectBuffer payload, int offset, int length, AppendCallback callback) {
        client.append(payload, offset, length, callback);
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String describe() {
        return owned instanceof InProcessCluster cluster ? cluster.describe() : "";
    }

    @Override
    public Path dataDirectory() {
        return owned instanceof InProcessCluster cluster ? cluster.directory() : null;
    }

    public LogClient client() {
        return client;
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            if (owned != null) {
                try {
                    owned.close();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + path + ": " + e.getMessage(), e);
                }
            }
        }
    }
}
