package io.raftlog.pipeline;

import java.util.concurrent.locks.LockSupport;

import io.raftlog.journal.Journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the journal durable on its own thread, so the leader's fsync runs while its AppendEntries are
 * already on the wire and a follower keeps appending while it syncs. (A follower's small batch is forced on
 * its raft thread instead, while this is idle: {@link #isIdle()}, RaftDriver.forceHere.) The raft thread posts the newest
 * (index, term) it wants durable; requests that arrive during a flush coalesce into the next one (group
 * commit). Each completed flush goes back through the ring as a FLUSHED event, so the core learns of it on
 * its own thread.
 */
final class Flusher implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Flusher.class);
    /** Only a safety net: every request unparks this thread (a lost permit cannot happen with park/unpark). */
    private static final long IDLE_PARK_NANOS = 100_000_000;
    private static final long SLOW_FLUSH_MS = 100;
    /** Failures to read entries back (nothing forced yet) tolerated in a row before the node halts anyway. */
    private static final int MAX_READ_FAILURES = 10;
    private static final long RETRY_PAUSE_NANOS = 10_000_000;

    private final Journal journal;
    private final RaftPipeline pipeline;
    private final Object lock = new Object();
    private long requestedIndex; // guarded by lock
    private long requestedTerm;
    private boolean requested;
    /** Between taking a request and finishing it (published, retried or failed); guarded by lock. */
    private boolean flushing;
    /** How long the latest force took, here or on the raft thread (forces never overlap). */
    private volatile long lastForceNanos;
    private volatile boolean running = true;
    private volatile Thread thread;
    private volatile Throwable failure;
    /** Flusher thread only: read-back failures in a row (see run). */
    private int consecutiveReadFailures;

    Flusher(Journal journal, RaftPipeline pipeline) {
        this.journal = journal;
        this.pipeline = pipeline;
    }

    /** Raft thread: make the log durable up to (index, term). Never blocks for long (a few field writes). */
    void request(long index, long term) {
        synchronized (lock) {
            requestedIndex = index;
            requestedTerm = term;
            requested = true;
        }
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Raft thread: true if this flusher neither runs a flush nor has one to start, and has not failed. Then the
     * raft thread may flush the journal itself ({@link RaftDriver}): only the raft thread posts requests, so
     * none starts here while it does, and the lock makes this flusher's last flush happen-before that one (the
     * journal's flushes must not overlap). Never true after a failed force: a force is never tried again.
     */
    boolean isIdle() {
        synchronized (lock) {
            return !flushing && !requested && running && failure == null;
        }
    }

    void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        while (running) {
            long index;
            long term;
            synchronized (lock) {
                index = requestedIndex;
                term = requestedTerm;
                boolean has = requested;
                requested = false;
                if (!has) {
                    index = -1;
                }
                flushing = has;
            }
            if (index < 0) {
                // Parked until the raft thread posts a request (it unparks us); the timeout is only a safety net.
                LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                continue;
            }
            try {
                flush(index, term);
            } finally {
                synchronized (lock) {
                    flushing = false;
                }
            }
        }
    }

    /** One flush up to (index, term): published, posted again for a retry, or failed for good (see below). */
    private void flush(long index, long term) {
        try {
            long started = System.nanoTime();
            long durable = journal.flush();
            if (forced(index, durable, started)) {
                pipeline.publishFlushed(index, term);
            }
            consecutiveReadFailures = 0;
        } catch (RuntimeException | Error e) {
            if (!isStorageFailure(e) && ++consecutiveReadFailures < MAX_READ_FAILURES) {
                // Reading the new entries back (for the tail files) failed before anything was forced, so
                // nothing was made or reported durable and trying again is safe; one that persists halts.
                LOG.warn("journal flush up to index {} failed before forcing (retrying): {}", index, e.toString());
                synchronized (lock) {
                    if (!requested) { // a newer request covers this one
                        requestedIndex = index;
                        requestedTerm = term;
                        requested = true;
                    }
                }
                LockSupport.parkNanos(this, RETRY_PAUSE_NANOS);
                return;
            }
            // A failed write or fsync is never retried. After a failed fsync the kernel may have dropped the
            // dirty pages it could not write, and a second fsync then succeeds without them (PostgreSQL's
            // "fsyncgate"): reporting that as durable could acknowledge entries that are not on disk. The
            // node halts instead and a restart recovers from what is on file.
            LOG.error("journal flush up to index {} failed; no further flushes, the node halts: {}", index, e.toString());
            failure = e;
            running = false;
            pipeline.publishFlushFailed();
        }
    }

    /** How long the latest force took (0 before the first). */
    long lastForceNanos() {
        return lastForceNanos;
    }

    /**
     * A flush up to {@code index} begun at {@code startedNs} returned {@code durable}, here or on the raft thread:
     * remembers how long it took, logs one that took {@link #SLOW_FLUSH_MS} or more, and tells whether it reached
     * {@code index} (a warning when it did not).
     */
    boolean forced(long index, long durable, long startedNs) {
        long took = System.nanoTime() - startedNs;
        lastForceNanos = took;
        long tookMs = took / 1_000_000;
        if (tookMs >= SLOW_FLUSH_MS) {
            // Acknowledgements wait for this: a slow disk looks like a slow (or, to CheckQuorum, dead) node.
            LOG.warn("journal flush up to index {} took {} ms", index, tookMs);
        }
        if (durable < index) {
            LOG.warn("journal flush reached only index {} of requested {}", durable, index);
            return false;
        }
        return true;
    }

    /** A write or force of a file failed (an IOException somewhere in the chain), or the JVM failed. */
    static boolean isStorageFailure(Throwable e) {
        if (e instanceof Error) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException) { // an UncheckedIOException always carries one
                return true;
            }
        }
        return false;
    }

    /** Why the last flush failed, once it did (then the flusher has stopped); null before. */
    Throwable failure() {
        return failure;
    }
}
