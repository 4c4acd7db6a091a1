package io.raftlog.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

import io.raftlog.net.client.AppendCallback;
import org.agrona.DirectBuffer;

/**
 * A stand-in for a cluster: acknowledges appends in order on its own thread (as a client's IO thread
 * would), failing those the test picks, and remembers the most appends it ever had outstanding.
 */
final class FakeTarget implements AppendTarget {
    private final ExecutorService completer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake-target");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong nextIndex = new AtomicLong(1);
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger maxOutstanding = new AtomicInteger();
    private final LongPredicate fails;

    /** @param fails which indexes fail instead of committing */
    FakeTarget(LongPredicate fails) {
        this.fails = fails;
    }

    FakeTarget() {
        this(i -> false);
    }

    @Override
    public void append(DirectBuffer payload, int offset, int length, AppendCallback callback) {
        maxOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
        long index = nextIndex.getAndIncrement();
        completer.execute(() -> {
            outstanding.decrementAndGet();
            if (fails.test(index)) {
                callback.onFailed(index, new IllegalStateException("append " + index + " rejected"));
            } else {
                callback.onAppended(index, index);
            }
        });
    }

    int maxOutstanding() {
        return maxOutstanding.get();
    }

    @Override
    public String path() {
        return "fake \"in-memory\" target";
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
}
