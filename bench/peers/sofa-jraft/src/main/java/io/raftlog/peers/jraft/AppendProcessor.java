package io.raftlog.peers.jraft;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.Task;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;

/**
 * A node's handler of {@link AppendRequest}: the leader applies the payload as a task and answers once the
 * task is committed and applied ({@link AckStateMachine}); another node answers at once that it is not the leader.
 */
final class AppendProcessor implements RpcProcessor<AppendRequest> {
    private volatile Node node;

    void node(Node started) {
        this.node = started;
    }

    @Override
    public void handleRequest(RpcContext context, AppendRequest request) {
        Node n = node;
        if (n == null || !n.isLeader()) {
            context.sendResponse(new AppendResponse(request.correlation, false, "not the leader"));
            return;
        }
        Task task = new Task();
        task.setData(ByteBuffer.wrap(request.payload));
        task.setDone(status -> context.sendResponse(new AppendResponse(request.correlation, status.isOk(),
            status.isOk() ? null : status.toString())));
        n.apply(task);
    }

    /**
     * Handles each request on the network thread that decoded it: {@code Node.apply} only queues the task. The
     * default, SOFABolt's business pool, refused requests with "Server thread pool busy" under W1's thousand
     * outstanding appends.
     */
    @Override
    public Executor executor() {
        return Runnable::run;
    }

    @Override
    public String interest() {
        return AppendRequest.class.getName();
    }
}
