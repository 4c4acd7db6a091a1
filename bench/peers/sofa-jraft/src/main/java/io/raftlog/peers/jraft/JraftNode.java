package io.raftlog.peers.jraft;

import java.io.File;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RpcServer;

/**
 * One member of the peer group: a SOFAJRaft node (RocksDB log, the library's defaults otherwise) behind its own
 * SOFABolt RPC server, which also takes the benchmark's {@link AppendRequest}s. Durable means the log and the
 * node's metadata are synced before an entry counts ({@code RaftOptions.sync} and {@code syncMeta}).
 */
final class JraftNode implements AutoCloseable {
    static final String GROUP = "raftlog-bench";

    private final RaftGroupService service;
    private final Node node;

    private JraftNode(RaftGroupService service, Node node) {
        this.service = service;
        this.node = node;
    }

    static JraftNode start(PeerId self, Configuration members, File dir, boolean durable, Runnable onLeaderStart) {
        if (!dir.mkdirs()) {
            throw new IllegalStateException("cannot create " + dir); // RocksDB creates only the last directory level
        }
        RpcServer rpcServer = RaftRpcServerFactory.createRaftRpcServer(self.getEndpoint());
        AppendProcessor appends = new AppendProcessor();
        rpcServer.registerProcessor(appends);
        RaftOptions raftOptions = new RaftOptions();
        raftOptions.setSync(durable);
        raftOptions.setSyncMeta(durable);
        NodeOptions options = new NodeOptions();
        options.setRaftOptions(raftOptions);
        options.setInitialConf(members);
        options.setFsm(new AckStateMachine(onLeaderStart));
        options.setLogUri(new File(dir, "log").getPath());
        options.setRaftMetaUri(new File(dir, "meta").getPath());
        options.setElectionTimeoutMs(1000);
        // Three nodes in one process: share the timer threads, as SOFAJRaft recommends for many groups per process.
        options.setSharedTimerPool(true);
        options.setSharedElectionTimer(true);
        options.setSharedVoteTimer(true);
        options.setSharedStepDownTimer(true);
        options.setSharedSnapshotTimer(true);
        RaftGroupService service = new RaftGroupService(GROUP, self, options, rpcServer);
        Node node = service.start();
        appends.node(node);
        return new JraftNode(service, node);
    }

    boolean isLeader() {
        return node.isLeader();
    }

    PeerId id() {
        return node.getNodeId().getPeerId();
    }

    @Override
    public void close() {
        service.shutdown();
        try {
            service.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
