package io.raftlog.peers.ratis;

import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.TimeDuration;

/**
 * Every setting of the peer group that is not Ratis's default, in one place. Left at their defaults on purpose:
 * the RPC type (gRPC), the log's segment, buffer and batching sizes ({@code raft.server.log.force.sync.num} 128),
 * the election timeouts, and the leader's limits on pending writes ({@code raft.server.write.element-limit} 4,096
 * requests and {@code byte-limit} 64 MB), which already hold W1's and W1k's 1,024 outstanding appends.
 */
final class RatisSettings {
    /**
     * The address the servers bind and their peer addresses name: the loopback address that raftlog's
     * {@code LoopbackPorts} picks free ports on, written as IPv4 so that {@code host:port} needs no brackets.
     */
    static final String HOST = "127.0.0.1";
    private static final TimeDuration REQUEST_TIMEOUT = TimeDuration.valueOf(30, TimeUnit.SECONDS);

    private RatisSettings() {
    }

    /**
     * One server: its storage directory and its gRPC port on loopback (Ratis binds every interface unless told a
     * host; the admin and client services share the server's port by default).
     *
     * <p>Durable (Ratis's default, {@code raft.server.log.unsafe-flush.enabled} false): the log worker writes a batch
     * of entries and forces the segment file ({@code FileChannel.force}) before it moves the server's flush index,
     * and a server counts towards the commit, and a follower acknowledges appended entries, only up to that index.
     *
     * <p>Not durable ({@code unsafe-flush.enabled} true): the flush index moves as soon as the batch is written to the
     * file (the page cache); the force still runs, on a flush thread of its own, but nothing waits for it. Ratis has
     * no setting that skips the force altogether.
     */
    static RaftProperties server(File storageDir, int port, boolean durable) {
        RaftProperties properties = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(properties, List.of(storageDir));
        GrpcConfigKeys.Server.setHost(properties, HOST);
        GrpcConfigKeys.Server.setPort(properties, port);
        RaftServerConfigKeys.Log.setUnsafeFlushEnabled(properties, !durable);
        return properties;
    }

    /**
     * The client: two limits that W1's window of 1,024 outstanding appends runs into.
     *
     * <p>{@code raft.client.async.outstanding-requests.max} (100 by default): the async API blocks the sender beyond
     * it, which would cap the window at 100. Raised to the window.
     *
     * <p>{@code raft.client.rpc.request.timeout} (3 s by default): a request without a reply by then fails, the
     * client closes its stream to the leader and sends every outstanding request again. With 1,024 appends queued,
     * each waits 1,024 / throughput: beyond 3 s below about 340 appends/s, which Ratis did not reach in W1's first
     * seconds on the two-core machine (the JIT compilers kept half a core or more busy). A run then measured rounds of
     * timeouts and resends (about 65 appends/s, medians of seconds) instead of the log. Raised to 30 s, the
     * deadline the other peers' clients have for one append.
     */
    static RaftProperties client(int window) {
        RaftProperties properties = new RaftProperties();
        RaftClientConfigKeys.Async.setOutstandingRequestsMax(properties,
            Math.max(window, RaftClientConfigKeys.Async.OUTSTANDING_REQUESTS_MAX_DEFAULT));
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties, REQUEST_TIMEOUT);
        return properties;
    }
}
