package io.raftlog.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.raftlog.net.client.AppendCallback;

/**
 * Keeps at most {@code window} appends outstanding for one sending thread: {@link #acquire()} before each
 * append, passing this as its callback. The sender parks while the window is full and is woken once a
 * sixteenth of it came back, not per acknowledgement (each wake-up costs a core some microseconds).
 */
final class AppendWindowGate implements AppendCallback {
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int window;
    private final int wakeThreshold;
    private final AtomicInteger free;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private volatile boolean waiting;
    private volatile Thread sender;

    AppendWindowGate(int window) {
        this.window = window;
        this.wakeThreshold = Math.max(1, window / 16);
        this.free = new AtomicInteger(window);
    }

    /** Takes a place in the window, parking while there is none. */
    void acquire() {
        while (true) {
            int f = free.get();
            if (f > 0 && free.compareAndSet(f, f - 1)) {
                return;
            }
            if (f == 0) {
                sender = Thread.currentThread();
                waiting = true;
                if (free.get() == 0) {
                    LockSupport.parkNanos(this, MAX_PARK_NANOS);
                }
                waiting = false;
            }
        }
    }

    /** Waits until nothing is outstanding; false if that took longer than the timeout. */
    boolean awaitEmpty(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (free.get() < window) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(this, MAX_PARK_NANOS);
        }
        return true;
    }

    long failures() {
        return failures.get();
    }

    Throwable firstFailure() {
        return firstFailure.get();
    }

    @Override
    public void onAppended(long sequence, long index) {
        release();
    }

    @Override
    public void onFailed(long sequence, Throwable error) {
        firstFailure.compareAndSet(null, error);
        failures.incrementAndGet();
        release();
    }

    private void release() {
        if (free.incrementAndGet() >= wakeThreshold && waiting) {
            waiting = false;
            LockSupport.unpark(sender);
        }
    }
}
