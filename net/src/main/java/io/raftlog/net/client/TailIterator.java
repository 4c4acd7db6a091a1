package io.raftlog.net.client;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A blocking iterator over committed entries, following the log as it grows: {@link #hasNext()} waits for
 * the next entry (across node failures, like {@link TailSubscription}). Entries are copied into a bounded
 * queue; when the reader falls behind, the subscription thread waits, so memory stays bounded. Without
 * follow, the iteration ends at the end of the log. Close it when done.
 */
public final class TailIterator implements Iterator<LogEntry>, AutoCloseable {
    private static final int QUEUE = 1024;

    private final BlockingQueue<LogEntry> queue = new ArrayBlockingQueue<>(QUEUE);
    private final TailSubscription subscription;
    private LogEntry next;

    TailIterator(ClientSettings settings, long fromIndex, boolean follow, long endIndex) {
        EntryHandler enqueue = (index, buffer, offset, length) -> {
            byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            try {
                queue.put(new LogEntry(index, copy));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("tail closed");
            }
        };
        this.subscription = new TailSubscription(settings, fromIndex, follow, endIndex, OnCompacted.defaultFor(fromIndex), enqueue);
        subscription.start();
    }

    /** The tail that fills this iterator (for the client, which ends it when it is closed). */
    TailSubscription subscription() {
        return subscription;
    }

    /** Blocks until an entry is there (true) or the tail ended (false); throws if the tail failed. */
    @Override
    public boolean hasNext() {
        try {
            while (next == null) {
                next = queue.poll(50, TimeUnit.MILLISECONDS);
                if (next == null && subscription.done().isDone()) {
                    next = queue.poll();
                    if (next == null) {
                        rethrowFailure();
                        return false;
                    }
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LogClientException("interrupted while waiting for the next entry");
        }
    }

    /**
     * Waits up to {@code timeout} for the next entry; null if none came (the tail goes on). Throws if the tail
     * failed; {@link NoSuchElementException} if it ended.
     */
    public LogEntry poll(long timeout, TimeUnit unit) throws InterruptedException {
        if (next != null) {
            LogEntry e = next;
            next = null;
            return e;
        }
        LogEntry e = queue.poll(timeout, unit);
        if (e == null && subscription.done().isDone()) {
            e = queue.poll();
            if (e == null) {
                rethrowFailure();
                throw new NoSuchElementException("the tail ended");
            }
        }
        return e;
    }

    @Override
    public LogEntry next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the tail ended");
        }
        LogEntry e = next;
        next = null;
        return e;
    }

    /** The index after the last entry the subscription received (it may be ahead of what was iterated). */
    public long receivedUpTo() {
        return subscription.nextIndex();
    }

    private void rethrowFailure() {
        try {
            subscription.done().get();
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof LogClientException l ? l : new LogClientException(String.valueOf(cause.getMessage()), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
