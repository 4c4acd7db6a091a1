package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.raftlog.net.client.LogClient;
import io.raftlog.net.server.RaftServer;
import io.raftlog.net.server.ServerConfig;
import io.raftlog.pipeline.Await;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code raftlog tail} as its own process: how it ends when its reader stops reading. */
class TailCommandIT {
    /** Linux's default pipe capacity. */
    private static final int PIPE_BYTES = 64 * 1024;

    /**
     * A tail whose reader stopped reading (a pager left open, a stuck consumer) blocks writing to the full pipe. Its
     * shutdown hook's flush then blocked too, so SIGTERM never ended the JVM; it now ends at once.
     */
    @Test
    void aTailBlockedOnAFullPipeEndsOnSigterm(@TempDir Path data) throws Exception {
        try (RaftServer node = RaftServer.start(ServerConfig.builder().nodeId(1).cluster("1=127.0.0.1:0").dataDir(data).build());
             LogClient client = LogClient.builder(ServerConfig.hostPort(node.boundAddress())).build()) {
            // 4 times what the pipe and the tail's own 64 KiB buffer hold together
            UnsafeBuffer payload = new UnsafeBuffer(new byte[128]);
            for (int i = 0; i < 4 * 2 * PIPE_BYTES / 128; i++) {
                ProduceCommand.generate(payload, i);
                client.append(payload, 0, payload.capacity());
            }
            client.append("last".getBytes(StandardCharsets.UTF_8)).get(60, TimeUnit.SECONDS);
            try (RaftlogProcess tail = RaftlogProcess.startWithOutputUnread("tail", "--cluster",
                ServerConfig.hostPort(node.boundAddress()), "--from-beginning", "--follow")) {
                // Full to within a page (lines do not fill it to the byte), with far more to write than it holds:
                // the tail's writer is blocked on it, or about to be.
                Await.until("the tail fills its unread output pipe", Duration.ofSeconds(60),
                    () -> tail.unreadOutputBytes() >= PIPE_BYTES - 4096);
                assertThat(tail.terminate(10)).as("the tail ended within 10 s of SIGTERM; stderr %s", tail.err()).isTrue();
            }
        }
    }
}
