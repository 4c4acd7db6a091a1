package io.raftlog.peers.ratis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.raftlog.bench.AppendTarget;
import io.raftlog.net.client.AppendCallback;
import org.agrona.DirectBuffer;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * Appends through Ratis's own client, {@link RaftClient}, with its async API: each append is one
 * {@code async().send(Message)}, completed when the leader's reply comes, which it sends once the entry is
 * committed and applied. The reply's log index is the index acknowledged. Each append allocates its bytes, message
 * and futures, as a Ratis client does.
 */
final class RatisTarget implements AppendTarget {
    private final RatisGroup group;
    private final RaftClient client;
    private long nextSequence = 1; // the generator's thread

    RatisTarget(RatisGroup group, int window) {
        this.group = group;
        this.client = RaftClient.newBuilder()
            .setRaftGroup(group.group())
            .setLeaderId(group.leader()) // the first request goes straight to the leader (null: the client finds it)
            .setProperties(RatisSettings.client(window))
            .build();
    }

    @Override
    public void append(DirectBuffer payload, int offset, int length, AppendCallback callback) {
        long sequence = nextSequence++;
        byte[] bytes = new byte[length];
        payload.getBytes(offset, bytes);
        // The array is this message's own copy and never changes again: wrapping it saves a second copy.
        Message message = Message.valueOf(UnsafeByteOperations.unsafeWrap(bytes));
        CompletableFuture<RaftClientReply> reply;
        try {
            reply = client.async().send(message);
        } catch (RuntimeException e) {
            callback.onFailed(sequence, e);
            return;
        }
        reply.whenComplete((r, error) -> {
            if (error != null) {
                callback.onFailed(sequence, error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
            } else if (r.isSuccess()) {
                callback.onAppended(sequence, r.getLogIndex());
            } else {
                callback.onFailed(sequence, r.getException() != null ? r.getException()
                    : new IllegalStateException("Ratis refused the append: " + r));
            }
        });
    }

    @Override
    public String system() {
        return RatisPeer.NAME;
    }

    @Override
    public String path() {
        return "in-process 3 servers, loopback TCP, Ratis gRPC async client (Ratis 3.3.0)";
    }

    @Override
    public String describe() {
        return group.describe();
    }

    @Override
    public Path dataDirectory() {
        return group.directory();
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            throw new IllegalStateException("closing the Ratis client: " + e.getMessage(), e);
        } finally {
            group.close();
        }
    }
}
