package io.raftlog.tools;

import io.raftlog.net.client.AppendCallback;
import io.raftlog.net.client.LogClient;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * Drives a {@link LogClient} for {@code produce} and {@code demo}: submits payloads with pooled callbacks
 * (nothing allocated per entry), records commit latency from submit to acknowledgement in an HdrHistogram
 * (microseconds), counts outcomes and tells a listener about each acknowledged entry. Listeners and
 * counters run on the client's receive thread.
 */
final class Producer {

    /** Told about each acknowledged entry; {@code tag} is what was given to {@link #submit}. */
    interface Listener {
        void acknowledged(long tag, long index, byte[] line);
    }

    private final LogClient client;
    private final Listener listener;
    private final ManyToOneConcurrentArrayQueue<Pending> free;
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private final Histogram latencyMicros = new ConcurrentHistogram(3);

    Producer(LogClient client, int window, Listener listener) {
        this.client = client;
        this.listener = listener;
        // Twice the client's window: a callback is still returning its Pending while the window has room again.
        int pool = window * 2;
        this.free = new ManyToOneConcurrentArrayQueue<>(pool);
        for (int i = 0; i < pool; i++) {
            free.offer(new Pending());
        }
    }

    /** Appends (blocking while the client's window is full); {@code line} is handed back to the listener. */
    void submit(DirectBuffer payload, int offset, int length, long tag, byte[] line) {
        Pending p;
        while ((p = free.poll()) == null) {
            Thread.onSpinWait();
        }
        p.tag = tag;
        p.line = line;
        p.submitNanos = System.nanoTime();
        submitted.incrementAndGet();
        client.append(payload, offset, length, p);
    }

    /** Waits until every submitted entry was acknowledged or failed (callbacks included); false on timeout. */
    boolean awaitAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acknowledged.get() + failed.get() < submitted.get()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(1_000_000L);
        }
        return true;
    }

    long submitted() {
        return submitted.get();
    }

    long acknowledged() {
        return acknowledged.get();
    }

    long failed() {
        return failed.get();
    }

    Throwable firstFailure() {
        return firstFailure.get();
    }

    /** Commit latency in microseconds, from submit to acknowledgement. */
    Histogram latencyMicros() {
        return latencyMicros;
    }

    private final class Pending implements AppendCallback {
        long tag;
        byte[] line;
        long submitNanos;

        @Override
        public void onAppended(long sequence, long index) {
            latencyMicros.recordValue(Math.max(0, (System.nanoTime() - submitNanos) / 1000));
            acknowledged.incrementAndGet();
            Listener l = listener;
            long t = tag;
            byte[] b = line;
            release();
            if (l != null) {
                l.acknowledged(t, index, b);
            }
        }

        @Override
        public void onFailed(long sequence, Throwable error) {
            firstFailure.compareAndSet(null, error);
            failed.incrementAndGet();
            release();
        }

        private void release() {
            line = null;
            free.offer(this);
        }
    }
}
