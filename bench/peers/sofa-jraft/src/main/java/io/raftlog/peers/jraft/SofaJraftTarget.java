package io.raftlog.peers.jraft;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import com.alipay.sofa.jraft.option.CliOptions;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.impl.cli.CliClientServiceImpl;
import com.alipay.sofa.jraft.util.Endpoint;
import io.raftlog.bench.AppendTarget;
import io.raftlog.net.client.AppendCallback;
import org.agrona.DirectBuffer;

/**
 * Appends through SOFAJRaft's own client side, its RPC client (SOFABolt over TCP): each append is an
 * asynchronous {@link AppendRequest} to the leader, completed when the leader's answer arrives. Each append
 * allocates its request and its callback, as a SOFAJRaft client does.
 */
final class SofaJraftTarget implements AppendTarget {
    private static final long TIMEOUT_MS = TimeUnit.SECONDS.toMillis(30);

    private final CliClientServiceImpl clientService = new CliClientServiceImpl();
    private final RpcClient rpc;
    private final Endpoint leader;
    private final AutoCloseable group;
    private final Path dataDir;
    private long nextCorrelation = 1;

    SofaJraftTarget(Endpoint leader, AutoCloseable group, Path dataDir) {
        this.leader = leader;
        this.group = group;
        this.dataDir = dataDir;
        clientService.init(new CliOptions());
        this.rpc = clientService.getRpcClient();
    }

    @Override
    public void append(DirectBuffer payload, int offset, int length, AppendCallback callback) {
        long correlation = nextCorrelation++;
        byte[] bytes = new byte[length];
        payload.getBytes(offset, bytes);
        try {
            rpc.invokeAsync(leader, new AppendRequest(correlation, bytes), (result, error) -> {
                if (error != null) {
                    callback.onFailed(correlation, error);
                } else if (result instanceof AppendResponse r && r.committed) {
                    callback.onAppended(correlation, correlation);
                } else {
                    callback.onFailed(correlation, new IllegalStateException("SOFAJRaft refused the append: "
                        + (result instanceof AppendResponse r ? r.error : result)));
                }
            }, TIMEOUT_MS);
        } catch (Exception e) {
            callback.onFailed(correlation, e);
        }
    }

    @Override
    public String system() {
        return SofaJraftPeer.NAME;
    }

    @Override
    public String path() {
        return "in-process 3 nodes, loopback TCP, SOFABolt RPC client (SOFAJRaft 1.4.1)";
    }

    @Override
    public Path dataDirectory() {
        return dataDir;
    }

    @Override
    public void close() {
        try {
            clientService.shutdown();
        } finally {
            try {
                group.close();
            } catch (Exception e) {
                throw new IllegalStateException("stopping the SOFAJRaft nodes: " + e.getMessage(), e);
            }
        }
    }
}
