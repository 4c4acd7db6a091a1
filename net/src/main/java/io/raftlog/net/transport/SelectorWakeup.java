package io.raftlog.net.transport;

import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

import org.agrona.CloseHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes a thread blocked in a {@link Selector} through a pipe of its own, registered with that selector, rather
 * than through {@link Selector#wakeup()}.
 *
 * <p>Why: the JDK's epoll selector writes its wake-up descriptor while holding a lock, and the woken thread
 * takes the same lock to drain it. The write makes the sleeper runnable at once; on two cores the sleeper
 * often preempts the waker on the waker's own core before the waker has left the lock, then blocks on that
 * lock (a futex wait) until the waker runs again. Traced in W2 with fsync: a follower's raft thread, woken by
 * its flusher, blocked that way about once every five appends, for up to 770 µs (docs/BENCHMARKS.md). Here the
 * waker takes nothing the sleeper needs: it writes one byte, and the selecting thread reads it.
 *
 * <p>Cost: the same two system calls per wake-up as the selector's own (one write, one read to drain), and
 * only one write per sleep however many threads wake it: the first to flip {@code pending} writes, and the
 * selecting thread clears the flag after it drains.
 *
 * <p>Both ends are non-blocking, so interrupting a waking thread does not close the pipe (the JDK closes an
 * interruptible channel only for an interrupt during a blocking operation). Should the pipe fail all the same,
 * this falls back to {@link Selector#wakeup()} for good, which still wakes the thread correctly.
 */
final class SelectorWakeup implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SelectorWakeup.class);
    private static final VarHandle PENDING;

    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(SelectorWakeup.class, "pending", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Selector selector;
    private final Pipe.SourceChannel source;
    private final Pipe.SinkChannel sink;
    /** Each waking thread writes from its own buffer: a second waker may write while the first is still returning. */
    private final ThreadLocal<ByteBuffer> oneByte = ThreadLocal.withInitial(() -> ByteBuffer.allocate(1));
    /** Selecting thread only. */
    private final ByteBuffer drained = ByteBuffer.allocate(64);
    /** A byte is written, or about to be, and not yet drained. */
    @SuppressWarnings("unused") // through PENDING
    private volatile boolean pending;
    private volatile boolean broken;

    /** Opens the pipe and registers its reading end with {@code selector} (the key's attachment is this). */
    SelectorWakeup(Selector selector) throws IOException {
        this.selector = selector;
        Pipe pipe = Pipe.open();
        this.source = pipe.source();
        this.sink = pipe.sink();
        try {
            source.configureBlocking(false);
            sink.configureBlocking(false); // a full pipe already holds bytes that wake the selector
            source.register(selector, SelectionKey.OP_READ, this);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Any thread: makes the selecting thread's current or next select return. */
    void wake() {
        if (broken) {
            selector.wakeup();
            return;
        }
        if (pending || !PENDING.compareAndSet(this, false, true)) {
            return; // a byte is on its way or not yet read; the selecting thread clears the flag once it has read
        }
        try {
            sink.write(oneByte.get().clear());
        } catch (IOException e) {
            fallBack(e);
        }
    }

    /**
     * Selecting thread, when this key is selected: consumes the bytes written so far, then lets the next wake write.
     *
     * <p>In that order. Cleared first, a wake between the clear and the read would set the flag again and its byte
     * be read at once: the flag would stay set with the pipe empty, every later wake would write nothing, and
     * the selector would sleep through them (the stress test in SelectorWakeupTest lost one in 2 of 5 runs). A
     * wake between the read and the clear writes nothing, which is safe: this thread is awake and looks at all its
     * work again before it next selects. At worst a byte written late wakes one select for nothing.
     */
    void drain() {
        try {
            int n;
            do {
                n = source.read(drained.clear());
            } while (n == drained.capacity());
            if (n < 0) {
                fallBack(new EOFException("the wake-up pipe's writing end is closed"));
            }
        } catch (IOException e) {
            fallBack(e);
        }
        pending = false;
    }

    /** Closes the pipe's writing end as a failure would, without this knowing (for tests). */
    void closeWritingEndForTest() throws IOException {
        sink.close();
    }

    /** Whether wake-ups go through the selector's own mechanism now (for tests). */
    boolean fellBack() {
        return broken;
    }

    /**
     * Closes the pipe (a reading end left registered after its writing end closed would be readable forever, and
     * the selector would never block again) and wakes the selector once, in case a byte written just before
     * was lost with the pipe.
     */
    private void fallBack(IOException e) {
        if (!broken) {
            broken = true;
            if (selector.isOpen()) {
                LOG.warn("selector wake-up pipe failed ({}); waking through Selector.wakeup() from now on", e.toString());
            }
        }
        CloseHelper.quietCloseAll(source, sink);
        pending = false;
        if (selector.isOpen()) {
            selector.wakeup();
        }
    }

    @Override
    public void close() {
        broken = true;
        CloseHelper.quietCloseAll(source, sink);
    }
}
