package io.raftlog.peers.jraft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.raftlog.bench.AppendTarget;
import io.raftlog.bench.LoadSpec;
import io.raftlog.bench.PeerSystem;
import io.raftlog.bench.Workload;
import io.raftlog.net.client.AppendCallback;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The peer group starts, is found by name, commits every append once and stops again. */
class SofaJraftPeerTest {

    @ParameterizedTest(name = "durable {0}")
    @ValueSource(booleans = {false, true})
    void everyAppendIsAcknowledgedOnce(boolean durable) throws Exception {
        int appends = 500;
        ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(appends);
        AppendCallback callback = new AppendCallback() {
            @Override
            public void onAppended(long sequence, long index) {
                acknowledged.add(index);
                done.countDown();
            }

            @Override
            public void onFailed(long sequence, Throwable error) {
                throw new AssertionError("append " + sequence + " failed", error);
            }
        };
        try (AppendTarget target = PeerSystem.named("sofa-jraft").start(LoadSpec.of(Workload.W1, durable))) {
            assertThat(target.system()).isEqualTo("sofa-jraft");
            UnsafeBuffer payload = new UnsafeBuffer(new byte[128]);
            for (int i = 0; i < appends; i++) {
                target.append(payload, 0, payload.capacity(), callback);
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).as("all %d acknowledged", appends).isTrue();
        }
        assertThat(acknowledged).hasSize(appends).doesNotHaveDuplicates().allMatch(i -> i >= 1 && i <= appends);
    }
}
