package io.raftlog.pipeline;

import java.util.concurrent.atomic.AtomicLong;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;

/**
 * Large buffers for ring slots whose event outgrows the slot's own buffer (a client batch of many payloads,
 * an AppendEntries frame of hundreds of entries). Under load nearly every such event is large, so giving
 * each one a fresh array made the network threads allocate a few hundred MB/s (a W1 profile: 97% of all
 * allocation) and the raft thread copy into cold memory. Buffers go back here once the raft thread is done
 * with the slot and are reused by whichever network thread needs one next.
 *
 * <p>Bounded three ways: at most {@code maxBuffers} are kept, holding at most {@code maxPooledBytes} in all,
 * and a buffer that grew beyond {@code maxBufferBytes} (a rare huge frame) is dropped rather than pinned. An
 * empty pool allocates, so a burst never waits.
 */
final class SlotBufferPool {
    private final ManyToManyConcurrentArrayQueue<ExpandableArrayBuffer> free;
    private final int maxBufferBytes;
    private final long maxPooledBytes;
    private final AtomicLong pooledBytes = new AtomicLong();
    /**
     * Bytes of the buffers handed out and not yet returned: what queued events (ring slots, staging events)
     * hold beyond their own small buffers. The ring counts slots; this is what bounds them in bytes.
     */
    private final AtomicLong lentBytes = new AtomicLong();

    /** Buffers a pipeline keeps (enough for what a busy ring holds at once), and the bytes they may hold together. */
    private static final int PIPELINE_BUFFERS = 256;
    private static final long PIPELINE_BUDGET = 64L << 20;
    private static final int SLACK_BYTES = 64 << 10;

    /**
     * The pool of a pipeline with {@code config}: buffers that grew past the largest client append's staged
     * form are not kept (its payload bytes plus, per payload, a length and the stored entry's header:
     * {@link PipelineEvent#reservePayloads}), nor past an AppendEntries of that size.
     */
    static SlotBufferPool forPipeline(PipelineConfig config) {
        long largestAppend = config.maxAppendBytes() + (long) config.maxEntriesPerAppend() * (4 + DataEntry.HEADER_LENGTH);
        return new SlotBufferPool(PIPELINE_BUFFERS, (int) Math.min(Integer.MAX_VALUE, largestAppend + SLACK_BYTES),
            PIPELINE_BUDGET);
    }

    SlotBufferPool(int maxBuffers, int maxBufferBytes, long maxPooledBytes) {
        this.free = new ManyToManyConcurrentArrayQueue<>(maxBuffers);
        this.maxBufferBytes = maxBufferBytes;
        this.maxPooledBytes = maxPooledBytes;
    }

    /** A buffer of at least {@code capacity} bytes, from the pool when it has one. Any thread. */
    ExpandableArrayBuffer acquire(int capacity) {
        ExpandableArrayBuffer b = free.poll();
        if (b == null) {
            b = new ExpandableArrayBuffer(capacity);
        } else {
            pooledBytes.addAndGet(-b.capacity());
            if (b.capacity() < capacity) {
                b.checkLimit(capacity); // grows once; the grown buffer is what comes back to the pool
            }
        }
        lentBytes.addAndGet(b.capacity());
        return b;
    }

    /** A buffer handed out grew by {@code bytes} while its holder filled it. */
    void grew(int bytes) {
        lentBytes.addAndGet(bytes);
    }

    /** Bytes held by buffers handed out and not yet returned. Any thread. */
    long lentBytes() {
        return lentBytes.get();
    }

    /** Returns a buffer no longer referenced by any slot. Any thread. */
    void release(ExpandableArrayBuffer b) {
        int bytes = b.capacity();
        lentBytes.addAndGet(-bytes);
        if (bytes > maxBufferBytes) {
            return;
        }
        if (pooledBytes.addAndGet(bytes) > maxPooledBytes || !free.offer(b)) {
            pooledBytes.addAndGet(-bytes); // over the budget or full: dropped
        }
    }

    int size() {
        return free.size();
    }

    long pooledBytes() {
        return pooledBytes.get();
    }
}
