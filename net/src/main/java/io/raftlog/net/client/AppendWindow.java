package io.raftlog.net.client;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The appends a client has outstanding, by sequence: a ring of preallocated slots, each holding a copy of
 * the payload (needed to resend it with the same sequence after a timeout or a leader change), its
 * callback and its deadline. Sequences are dense from 1; {@link #lowest()} is the oldest not yet finished,
 * {@link #next()} the next to assign, {@link #sendNext()} the next to put on the wire. A slot is reused only
 * once every older sequence has finished, so a payload stays stable for as long as it may be resent.
 *
 * <p>Not thread-safe: the client guards it with one lock. Finishing a slot copies its callback into a
 * {@link Completions} list so that user code runs after the lock is released.
 */
final class AppendWindow {
    private final int capacity;
    private final int mask;
    private final MutableDirectBuffer[] payloads;
    private final int[] lengths;
    private final AppendCallback[] callbacks;
    private final long[] deadlineNanos;
    private final long[] submitNanos;
    private final boolean[] pending;
    /**
     * Per slot: some send of it may have reached a log (it went on the wire, and no answer said it appended
     * nothing). A send of such a sequence is a resend.
     */
    private final boolean[] mayBeInLog;
    private final int initialPayloadBytes;

    private long lowest = 1;
    private long next = 1;
    private long sendNext = 1;

    /** The largest buffer a slot keeps once its payload is done (larger ones are let go when the slot is reused). */
    static final int MAX_RETAINED_BYTES = 64 * 1024;

    AppendWindow(int capacity, int initialPayloadBytes) {
        if (capacity < 1 || capacity > LogClient.MAX_WINDOW) {
            throw new IllegalArgumentException("window " + capacity + " is not in 1.." + LogClient.MAX_WINDOW);
        }
        int size = BitUtil.findNextPositivePowerOfTwo(capacity);
        this.capacity = capacity;
        this.mask = size - 1;
        this.initialPayloadBytes = initialPayloadBytes;
        this.payloads = new MutableDirectBuffer[size];
        this.lengths = new int[size];
        this.callbacks = new AppendCallback[size];
        this.deadlineNanos = new long[size];
        this.submitNanos = new long[size];
        this.pending = new boolean[size];
        this.mayBeInLog = new boolean[size];
        for (int i = 0; i < size; i++) {
            payloads[i] = new ExpandableArrayBuffer(initialPayloadBytes);
        }
    }

    int capacity() {
        return capacity;
    }

    boolean isFull() {
        return next - lowest >= capacity;
    }

    boolean isEmpty() {
        return lowest == next;
    }

    int outstanding() {
        return (int) (next - lowest);
    }

    long lowest() {
        return lowest;
    }

    long next() {
        return next;
    }

    long sendNext() {
        return sendNext;
    }

    boolean hasUnsent() {
        return sendNext < next;
    }

    /** Copies the payload into the next slot; the caller has checked {@link #isFull()}. Returns its sequence. */
    long add(DirectBuffer buffer, int offset, int length, AppendCallback callback, long nowNanos, long deadline) {
        if (isFull()) {
            throw new IllegalStateException("window full");
        }
        long seq = next++;
        int i = (int) seq & mask;
        if (payloads[i].capacity() > MAX_RETAINED_BYTES && length <= MAX_RETAINED_BYTES) {
            // A slot keeps its buffer only up to this size: one grown by an occasional large payload would
            // otherwise stay grown, and a window of them would hold a thousand times the largest payload.
            payloads[i] = new ExpandableArrayBuffer(Math.max(initialPayloadBytes, length));
        }
        payloads[i].putBytes(0, buffer, offset, length);
        lengths[i] = length;
        callbacks[i] = callback;
        submitNanos[i] = nowNanos;
        deadlineNanos[i] = deadline;
        pending[i] = true;
        mayBeInLog[i] = false;
        return seq;
    }

    boolean isPending(long seq) {
        return seq >= lowest && seq < next && pending[(int) seq & mask];
    }

    DirectBuffer payload(long seq) {
        return payloads[(int) seq & mask];
    }

    int length(long seq) {
        return lengths[(int) seq & mask];
    }

    long submitNanos(long seq) {
        return submitNanos[(int) seq & mask];
    }

    /** Everything not finished goes on the wire again, oldest first (a new connection, a new leader). */
    void rewind() {
        sendNext = lowest;
        while (sendNext < next && !pending[(int) sendNext & mask]) {
            sendNext++;
        }
    }

    /** The sender put sequences up to (excluding) {@code seq} on the wire. */
    void sentUpTo(long seq) {
        long upTo = Math.min(seq, next);
        for (long s = sendNext; s < upTo; s++) {
            mayBeInLog[(int) s & mask] = true;
        }
        if (upTo > sendNext) {
            sendNext = upTo;
        }
    }

    /**
     * Whether {@code seq} may already be in a log: it was put on the wire before (on this or an earlier
     * connection), and not every such send was answered as having appended nothing.
     */
    boolean wasSent(long seq) {
        return isPending(seq) && mayBeInLog[(int) seq & mask];
    }

    /**
     * The first send of sequences {@code [firstSeq, firstSeq + count)} was refused before it reached any log
     * (an ERROR with the not-appended flag): unless sent again since, they are as if never sent, so their next
     * send is not a resend. The caller makes sure the refused frame was their first send; a resend's refusal
     * says nothing about the earlier send.
     */
    void notAppended(long firstSeq, int count) {
        long to = Math.min(firstSeq + count, next);
        for (long seq = Math.max(firstSeq, lowest); seq < to; seq++) {
            mayBeInLog[(int) seq & mask] = false;
        }
    }

    /**
     * Sequences {@code [firstSeq, firstSeq + count)} committed at {@code firstIndex...}. Sequences this window
     * already finished (a duplicate ack, an ack after a timeout) are ignored. Returns how many finished now.
     */
    int acked(long firstSeq, long firstIndex, int count, Completions out) {
        int done = 0;
        long from = Math.max(firstSeq, lowest);
        long to = Math.min(firstSeq + count, next);
        for (long seq = from; seq < to; seq++) {
            int i = (int) seq & mask;
            if (pending[i]) {
                out.succeeded(callbacks[i], seq, firstIndex + (seq - firstSeq), submitNanos[i]);
                finish(i);
                done++;
            }
        }
        advance();
        return done;
    }

    /** Fails sequences {@code [firstSeq, firstSeq + count)} that are still pending (a permanent rejection). */
    int fail(long firstSeq, int count, Throwable error, Completions out) {
        int done = 0;
        long from = Math.max(firstSeq, lowest);
        long to = Math.min(firstSeq + count, next);
        for (long seq = from; seq < to; seq++) {
            int i = (int) seq & mask;
            if (pending[i]) {
                out.failed(callbacks[i], seq, error);
                finish(i);
                done++;
            }
        }
        advance();
        return done;
    }

    /** Fails every pending append whose deadline is at or before {@code nowNanos}; returns how many. */
    int expire(long nowNanos, Throwable error, Completions out) {
        int done = 0;
        for (long seq = lowest; seq < next; seq++) {
            int i = (int) seq & mask;
            if (pending[i] && deadlineNanos[i] - nowNanos <= 0) {
                out.failed(callbacks[i], seq, error);
                finish(i);
                done++;
            }
        }
        advance();
        return done;
    }

    /** The earliest deadline among pending appends, or {@code Long.MAX_VALUE} when none is pending. */
    long earliestDeadline() {
        long min = Long.MAX_VALUE;
        boolean any = false;
        for (long seq = lowest; seq < next; seq++) {
            int i = (int) seq & mask;
            if (pending[i] && (!any || deadlineNanos[i] - min < 0)) {
                min = deadlineNanos[i];
                any = true;
            }
        }
        return min;
    }

    private void finish(int i) {
        pending[i] = false;
        callbacks[i] = null;
    }

    private void advance() {
        while (lowest < next && !pending[(int) lowest & mask]) {
            lowest++;
        }
        if (sendNext < lowest) {
            sendNext = lowest;
        }
    }

    /** Outcomes collected under the lock and delivered after it is released; reused, so no garbage per append. */
    static final class Completions {
        private AppendCallback[] callbacks = new AppendCallback[64];
        private long[] sequences = new long[64];
        private long[] indexes = new long[64];
        private long[] submitNanos = new long[64];
        private Throwable[] errors = new Throwable[64];
        private int size;
        /** How many of the first {@code size} outcomes {@link #deliver} has taken out. */
        private int delivered;

        void succeeded(AppendCallback cb, long seq, long index, long submitted) {
            add(cb, seq, index, submitted, null);
        }

        void failed(AppendCallback cb, long seq, Throwable error) {
            add(cb, seq, -1, 0, error);
        }

        private void add(AppendCallback cb, long seq, long index, long submitted, Throwable error) {
            if (size == callbacks.length) {
                int n = size * 2;
                callbacks = java.util.Arrays.copyOf(callbacks, n);
                sequences = java.util.Arrays.copyOf(sequences, n);
                indexes = java.util.Arrays.copyOf(indexes, n);
                submitNanos = java.util.Arrays.copyOf(submitNanos, n);
                errors = java.util.Arrays.copyOf(errors, n);
            }
            callbacks[size] = cb;
            sequences[size] = seq;
            indexes[size] = index;
            submitNanos[size] = submitted;
            errors[size] = error;
            size++;
        }

        boolean isEmpty() {
            return delivered == size;
        }

        /**
         * Runs the callbacks (a throwing callback does not stop the others) and empties the list. Each outcome is
         * taken out before its callback runs: if a fault escapes even the uncaught-exception handler (the thread
         * then ends, and the client's close delivers what is left), a later call goes on after it, never calling
         * a callback twice.
         */
        void deliver() {
            while (delivered < size) {
                int k = delivered++;
                AppendCallback cb = callbacks[k];
                Throwable error = errors[k];
                callbacks[k] = null;
                errors[k] = null;
                try {
                    if (error == null) {
                        cb.onAppended(sequences[k], indexes[k]);
                    } else {
                        cb.onFailed(sequences[k], error);
                    }
                } catch (Throwable e) {
                    // A user callback's bug (an AssertionError too, or a checked exception thrown sneakily, as
                    // Kotlin or Lombok code may) must not stop the I/O thread or the other completions: their
                    // futures would never complete.
                    Thread t = Thread.currentThread();
                    t.getUncaughtExceptionHandler().uncaughtException(t, e);
                }
            }
            delivered = 0;
            size = 0;
        }
    }
}
