package io.raftlog.tools;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.raftlog.bench.AppendTarget;
import io.raftlog.bench.LoadSpec;
import io.raftlog.bench.PeerSystem;
import io.raftlog.net.client.AppendCallback;
import org.agrona.DirectBuffer;

/**
 * A peer system for tests of {@code raftlog bench --peer}, registered through META-INF/services in the test
 * class path: it acknowledges every append at once, in order, on a thread of its own.
 */
public final class InstantPeer implements PeerSystem {

    @Override
    public String name() {
        return "instant";
    }

    @Override
    public AppendTarget start(LoadSpec spec) {
        return new AppendTarget() {
            private final ExecutorService completer = Executors.newSingleThreadExecutor();
            private long next = 1;

            @Override
            public void append(DirectBuffer payload, int offset, int length, AppendCallback callback) {
                long index = next++;
                completer.execute(() -> callback.onAppended(index, index));
            }

            @Override
            public String system() {
                return name();
            }

            @Override
            public String path() {
                return "in memory, acknowledged at once";
            }

            @Override
            public void close() {
                completer.shutdownNow();
                try {
                    completer.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }
}
