package io.raftlog.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.raftlog.net.client.AppendCallback;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What a peer's own test checks before its numbers are trusted: every append sent to its target comes back
 * once, acknowledged or failed, within a deadline.
 */
public final class PeerCheck {

    /** The indexes acknowledged (in the order the acknowledgements came) and the failures. */
    public record Outcome(List<Long> acknowledged, List<Throwable> failures) {
    }

    private PeerCheck() {
    }

    /** Sends {@code appends} appends of 128 bytes at once and waits until all came back or the timeout passed. */
    public static Outcome appendAll(AppendTarget target, int appends, Duration timeout) throws InterruptedException {
        ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(appends);
        AppendCallback callback = new AppendCallback() {
            @Override
            public void onAppended(long sequence, long index) {
                acknowledged.add(index);
                done.countDown();
            }

            @Override
            public void onFailed(long sequence, Throwable error) {
                failures.add(error);
                done.countDown();
            }
        };
        UnsafeBuffer payload = new UnsafeBuffer(new byte[128]);
        for (int i = 0; i < appends; i++) {
            target.append(payload, 0, payload.capacity(), callback);
        }
        done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return new Outcome(new ArrayList<>(acknowledged), new ArrayList<>(failures));
    }
}
