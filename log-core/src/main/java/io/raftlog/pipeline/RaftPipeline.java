package io.raftlog.pipeline;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.raftlog.journal.HardStateStore;
import io.raftlog.journal.Journal;
import io.raftlog.raft.RaftConfig;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.WaitStrategy;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's pipeline: a multi-producer Disruptor ring of preallocated {@link PipelineEvent} slots, the raft
 * thread that consumes it ({@link RaftDriver}), the flusher thread (fsync-per-batch policy) and the ticker.
 *
 * <p>Producers never block on the raft thread except the flusher and {@link #close()}: a peer frame or a
 * tick that finds the ring full is dropped (Raft tolerates lost messages), a client append is refused
 * (the server answers BUSY), and client appends may not use the last {@code clientReserve} slots, so
 * peer traffic keeps flowing when producers flood the node.
 */
public final class RaftPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftPipeline.class);

    /**
     * Client appends wait in the ring while the large buffers queued events hold stay below this: the ring
     * bounds events in slots only, and 3,584 client slots of 4 MiB appends would be 14 GiB of heap. Sixty-four
     * of the largest appends; W1's 64 KiB frames use a few MiB.
     */
    private static final long QUEUED_APPENDS_OF_MAX_SIZE = 64;
    /** How long a close waits for each of its threads (and for a slot for SHUTDOWN). */
    private static final long JOIN_MILLIS = 5_000;
    private static final long CLAIM_RETRY_NANOS = 1_000_000;
    private final long maxQueuedBytes;
    private final PipelineConfig config;
    private final int nodeId;
    private final Journal journal;
    private final SlotBufferPool pool;
    private final RingBuffer<PipelineEvent> ring;
    private final BatchEventProcessor<PipelineEvent> processor;
    private final NodeStatus status;
    private final Flusher flusher;
    private final RaftDriver driver;
    private final Ticker ticker;
    private final Thread raftThread;
    private final Thread flusherThread;
    private final Thread tickerThread;
    private volatile long droppedPeerFrames;
    private volatile boolean started;
    private volatile boolean closed;
    /** Set by close() when the raft thread or the flusher did not stop (see leftThreadsRunning). */
    private volatile boolean stuck;

    /**
     * Builds the pipeline and the Raft node (loading the hard state, rebuilding the client sessions from
     * the journal's tail). Nothing runs until {@link #start()}.
     */
    public RaftPipeline(PipelineConfig config, RaftConfig raftConfig, Journal journal, HardStateStore hardState,
        PeerMessageDecoder decoder, PeerSender sender, ClientResponder responder, PipelineListener listener) {
        this(config, raftConfig, journal, hardState, decoder, sender, responder, listener,
            WaitStrategies.create(config.waitStrategy()));
    }

    /**
     * As above, but the raft thread waits with {@code waitStrategy} instead of the configured one: the server
     * passes one that runs its network while the ring is empty, so one thread serves both (see
     * docs/ARCHITECTURE.md, "Threading").
     */
    public RaftPipeline(PipelineConfig config, RaftConfig raftConfig, Journal journal, HardStateStore hardState,
        PeerMessageDecoder decoder, PeerSender sender, ClientResponder responder, PipelineListener listener,
        WaitStrategy waitStrategy) {
        this.config = config;
        this.nodeId = raftConfig.nodeId();
        this.journal = journal;
        int retain = config.slotRetainBytes();
        this.pool = SlotBufferPool.forPipeline(config);
        this.maxQueuedBytes = QUEUED_APPENDS_OF_MAX_SIZE * config.maxAppendBytes();
        this.ring = RingBuffer.createMultiProducer(() -> new PipelineEvent(retain, pool), config.ringSize(),
            waitStrategy);
        this.status = new NodeStatus(nodeId, raftConfig.members());
        this.flusher = RaftDriver.flushesInline(journal.policy()) ? null : new Flusher(journal, this);
        this.driver = new RaftDriver(config, raftConfig, journal, hardState, decoder, sender, responder,
            listener, status, flusher);
        this.processor = new BatchEventProcessorBuilder().setMaxBatchSize(config.maxBatch())
            .build(ring, ring.newBarrier(), driver);
        processor.setExceptionHandler(new LoggingExceptionHandler(nodeId));
        ring.addGatingSequences(processor.getSequence());
        driver.onShutdown(processor::halt);
        this.ticker = new Ticker(this, config.tickMillis());
        this.raftThread = new Thread(processor, "raftlog-raft-" + nodeId);
        this.flusherThread = flusher == null ? null : new Thread(flusher, "raftlog-flusher-" + nodeId);
        this.tickerThread = new Thread(ticker, "raftlog-ticker-" + nodeId);
        for (Thread t : new Thread[] {raftThread, flusherThread, tickerThread}) {
            if (t != null) {
                t.setDaemon(true);
            }
        }
    }

    public void start() {
        if (started) {
            throw new IllegalStateException("pipeline of node " + nodeId + " already started");
        }
        started = true;
        if (flusherThread != null) {
            flusherThread.start();
        }
        raftThread.start();
        tickerThread.start();
    }

    /** Whether the raft thread is still running (after {@link #close} only if it could not be stopped). */
    public boolean raftThreadRunning() {
        return raftThread.isAlive();
    }

    public NodeStatus status() {
        return status;
    }

    public PipelineConfig config() {
        return config;
    }

    public long droppedPeerFrames() {
        return droppedPeerFrames;
    }

    // ---- producers (network threads) ----

    // A slot is claimed only once its bytes are ready and published right after: in a multi-producer ring the
    // raft thread sees a claimed slot before it is published and spins on it (MultiProducerSequencer.
    // getHighestPublishedSequence, 6-13% of W1 profiles) for as long as the producer takes to fill it. So a
    // large frame is copied into a pooled buffer first, and a client append is built in a staging event.

    /** Copies a peer frame into the ring; false if the ring was full (the frame is dropped and counted). */
    public boolean publishPeerMessage(DirectBuffer buffer, int offset, int length) {
        if (length <= config.slotRetainBytes()) {
            long seq = tryNextForPeer();
            if (seq < 0) {
                return false;
            }
            PipelineEvent slot = ring.get(seq);
            try {
                slot.peerMessage(buffer, offset, length);
            } catch (RuntimeException e) {
                slot.control(EventKind.NONE); // a claimed slot must be published; this one carries nothing
                throw e;
            } finally {
                ring.publish(seq);
            }
            return true;
        }
        ExpandableArrayBuffer copy = pool.acquire(length);
        copy.putBytes(0, buffer, offset, length);
        long seq = tryNextForPeer();
        if (seq < 0) {
            pool.release(copy);
            return false;
        }
        ring.get(seq).peerMessage(copy, length);
        ring.publish(seq);
        return true;
    }

    private long tryNextForPeer() {
        try {
            return ring.tryNext();
        } catch (InsufficientCapacityException e) {
            long n = droppedPeerFrames + 1;
            droppedPeerFrames = n; // racy count across network threads: a statistic only
            if (n <= 10 || n % 1000 == 0) {
                LOG.warn("node {}: ring full, dropped a peer frame ({} so far; Raft resends)", nodeId, n);
            }
            return -1;
        }
    }

    /**
     * An event for one producing thread to build client appends in, outside the ring: start each with
     * {@link PipelineEvent#clientAppend}, add the payloads, then {@link #publishClientAppend}.
     */
    public PipelineEvent newStagingEvent() {
        return new PipelineEvent(config.slotRetainBytes(), pool);
    }

    /** Whether a client append would find room now (a cheap check before building one); counts a refusal. */
    public boolean hasRoomForClientAppend() {
        if (closed || ring.remainingCapacity() <= config.clientReserve() || pool.lentBytes() >= maxQueuedBytes) {
            status.countBusy();
            return false;
        }
        return true;
    }

    /**
     * Moves a staged client append into the ring (taking over its buffer, not copying a large batch).
     * Returns false when the ring is too full for client appends (answer BUSY); the staging event is emptied
     * either way.
     */
    public boolean publishClientAppend(PipelineEvent staged) {
        if (!hasRoomForClientAppend()) {
            staged.abandon();
            return false;
        }
        long seq;
        try {
            seq = ring.tryNext();
        } catch (InsufficientCapacityException e) {
            status.countBusy();
            staged.abandon();
            return false;
        }
        ring.get(seq).takeFrom(staged);
        ring.publish(seq);
        return true;
    }

    void publishTick() {
        long seq;
        try {
            seq = ring.tryNext();
        } catch (InsufficientCapacityException e) {
            return; // the raft thread is busy; a late tick is harmless
        }
        ring.get(seq).control(EventKind.TICK);
        ring.publish(seq);
    }

    /** Flusher thread: may wait for a free slot (a lost completion would leave entries unacknowledged). */
    void publishFlushed(long index, long term) {
        long seq = ring.next();
        ring.get(seq).flushed(index, term);
        ring.publish(seq);
    }

    /** Flusher thread, once: its force failed, which the raft thread turns into a halt. */
    void publishFlushFailed() {
        long seq = ring.next();
        ring.get(seq).control(EventKind.FLUSH_FAILED);
        ring.publish(seq);
    }

    /** Stops the ticker, drains the ring, stops the raft thread and the flusher, and flushes the journal. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ticker.stop();
        if (started && raftThread.isAlive()) {
            if (publishShutdown()) {
                join(raftThread);
            }
            if (raftThread.isAlive()) {
                processor.halt();
                join(raftThread);
            }
        }
        if (flusher != null) {
            flusher.stop();
            if (started) {
                join(flusherThread);
            }
        }
        join(tickerThread);
        if (!threadsStopped()) {
            // Stuck in a force or a faulting write: a second writer, or a flush overlapping the stuck one, would
            // break the journal's rules. What is on file is recovered at the next start, as after a crash.
            stuck = true;
            LOG.error("node {}: the {} did not stop within the close's timeouts; the journal is left as it is for the"
                + " next start to recover", nodeId, raftThread.isAlive() ? "raft thread" : "flusher");
            return;
        }
        if (driver.halted()) {
            return; // it abandoned the journal: what is on file is recovered at the next start, as after a crash
        }
        try {
            // The raft thread has stopped: this thread is the writer now. Entries it staged without ending
            // its batch (stopped by force after the join timeout) are written, so the final flush covers them.
            journal.writePending();
            journal.flush();
        } catch (RuntimeException | Error e) {
            // An Error too: the JVM reports a faulted write through the journal's map (a full disk) as one.
            LOG.error("node {}: final flush failed: {}", nodeId, e.toString());
        }
    }

    /**
     * Claims a slot for SHUTDOWN, waiting as long as a join: a raft thread stuck in the journal leaves the ring
     * full for good (ticks and peer frames fill it), and a blocking claim would never return. False if no slot
     * came free.
     */
    private boolean publishShutdown() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_MILLIS);
        while (true) {
            try {
                long seq = ring.tryNext();
                ring.get(seq).control(EventKind.SHUTDOWN);
                ring.publish(seq);
                return true;
            } catch (InsufficientCapacityException e) {
                if (!raftThread.isAlive()) {
                    return false; // it has stopped already
                }
                if (System.nanoTime() - deadline >= 0) {
                    LOG.error("node {}: the raft thread took no event for {} ms with its ring full; stopping it without"
                        + " a SHUTDOWN", nodeId, JOIN_MILLIS);
                    return false;
                }
                LockSupport.parkNanos(CLAIM_RETRY_NANOS); // a bounded retry while the raft thread drains, if it does
            }
        }
    }

    /** Free slots of the ring (for tests). */
    int freeSlots() {
        return (int) ring.remainingCapacity();
    }

    private boolean threadsStopped() {
        return !started || (!raftThread.isAlive() && (flusherThread == null || !flusherThread.isAlive()));
    }

    /**
     * After {@link #close()}: whether a thread of this pipeline was still inside the journal when the close gave
     * up waiting, so that the journal must not be closed either (closing unmaps what that thread may still use).
     */
    public boolean leftThreadsRunning() {
        return stuck;
    }

    private static void join(Thread t) {
        if (t == null || !t.isAlive()) {
            return;
        }
        try {
            t.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record LoggingExceptionHandler(int nodeId) implements ExceptionHandler<PipelineEvent> {
        @Override
        public void handleEventException(Throwable ex, long sequence, PipelineEvent event) {
            LOG.error("node " + nodeId + ": raft thread failed on " + EventKind.name(event.kind) + " event", ex);
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            LOG.error("node " + nodeId + ": raft thread failed to start", ex);
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            LOG.error("node " + nodeId + ": raft thread failed to stop", ex);
        }
    }
}
