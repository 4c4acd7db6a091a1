package io.raftlog.pipeline;

import org.agrona.DirectBuffer;

import io.raftlog.journal.ForwardingJournal;
import io.raftlog.journal.Journal;

/** A journal whose writes or forces can be made to fail, as a full or broken disk would. Delegates everything else. */
final class FaultyJournal extends ForwardingJournal {
    /** How a write fails once the disk is broken. */
    enum Failure {
        NONE,
        /** A storage exception, as a failed write or fsync of a file is reported. */
        EXCEPTION,
        /**
         * What the JVM throws when a write through a memory map faults (SIGBUS), as Chronicle's writes do when
         * the disk is full: an InternalError with this message, and nothing about the disk.
         */
        MAPPED_FAULT,
        /** Writes work, but forcing them to disk fails (an fsync that returned EIO). */
        FSYNC,
        /** A flush fails before it forces anything, reading the new entries back ({@link #readBackFailures} times). */
        READ_BACK
    }

    volatile Failure failWrites = Failure.NONE;
    /** How many flushes fail under {@link Failure#READ_BACK}. */
    final java.util.concurrent.atomic.AtomicInteger readBackFailures = new java.util.concurrent.atomic.AtomicInteger();
    /** The names of the threads that called {@link #flush()}. */
    final java.util.Set<String> flushThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** While set, a flush waits for it to open before it starts (a force that hangs); counted in {@link #flushesHeld}. */
    volatile java.util.concurrent.CountDownLatch flushGate;
    /** Holds every append until opened (a write that hangs: a faulting map on a dead device). */
    volatile java.util.concurrent.CountDownLatch writeGate;
    final java.util.concurrent.atomic.AtomicInteger writesHeld = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger flushesHeld = new java.util.concurrent.atomic.AtomicInteger();
    /**
     * Runs on the writer's thread after each append reached the delegate: a write through a map whose fault the
     * JVM reports later, at some other point of that thread.
     */
    volatile Runnable afterAppend;
    /** The names of the threads that called {@link #writePending()}. */
    final java.util.Set<String> writerThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();

    FaultyJournal(Journal delegate) {
        super(delegate);
    }

    private void maybeFail() {
        switch (failWrites) {
            case EXCEPTION -> throw new IllegalStateException("injected journal write failure (disk full)");
            case MAPPED_FAULT -> throw new InternalError("a fault occurred in a recent unsafe memory access operation"
                + " in compiled Java code");
            case NONE, FSYNC, READ_BACK -> { }
        }
    }

    @Override
    public void append(long index, long term, byte type, DirectBuffer buffer, int offset, int length) {
        holdAt(writeGate, writesHeld);
        maybeFail();
        delegate.append(index, term, type, buffer, offset, length);
        Runnable after = afterAppend;
        if (after != null) {
            after.run();
        }
    }

    @Override
    public void truncateAfter(long index) {
        maybeFail();
        delegate.truncateAfter(index);
    }

    @Override
    public void installSnapshot(long index, long term) {
        maybeFail();
        delegate.installSnapshot(index, term);
    }

    @Override
    public void writePending() {
        writerThreads.add(Thread.currentThread().getName());
        maybeFail();
        delegate.writePending();
    }

    /** Waits at {@code gate} if one is set, counting the wait in {@code held}. */
    private static void holdAt(java.util.concurrent.CountDownLatch gate, java.util.concurrent.atomic.AtomicInteger held) {
        if (gate == null) {
            return;
        }
        held.incrementAndGet();
        try {
            gate.await(30, java.util.concurrent.TimeUnit.SECONDS); // bounded: a test that fails must not hang
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public long flush() {
        flushThreads.add(Thread.currentThread().getName());
        holdAt(flushGate, flushesHeld);
        if (failWrites == Failure.FSYNC) {
            throw new java.io.UncheckedIOException(new java.io.IOException("injected fsync failure (EIO)"));
        }
        if (failWrites == Failure.READ_BACK && readBackFailures.getAndDecrement() > 0) {
            throw new IllegalStateException("injected read-back failure: entry missing from the journal");
        }
        return delegate.flush();
    }
}
