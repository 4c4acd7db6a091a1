package io.raftlog.pipeline;

import java.nio.file.Path;

import org.agrona.DirectBuffer;

import io.raftlog.journal.EntryConsumer;
import io.raftlog.journal.FsyncPolicy;
import io.raftlog.journal.Journal;
import io.raftlog.journal.JournalReader;

/** A journal whose writes or forces can be made to fail, as a full or broken disk would. Delegates everything else. */
final class FaultyJournal implements Journal {
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

    private final Journal delegate;
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
        this.delegate = delegate;
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
    public long firstIndex() {
        return delegate.firstIndex();
    }

    @Override
    public long lastIndex() {
        return delegate.lastIndex();
    }

    @Override
    public long termAt(long index) {
        return delegate.termAt(index);
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
    public long firstIndexWrittenWithin(long ageMillis) {
        return delegate.firstIndexWrittenWithin(ageMillis);
    }

    @Override
    public long firstIndexKeepingBytes(long maxBytes) {
        return delegate.firstIndexKeepingBytes(maxBytes);
    }

    @Override
    public void installSnapshot(long index, long term) {
        maybeFail();
        delegate.installSnapshot(index, term);
    }

    @Override
    public int countWithin(long fromIndex, int maxCount, long maxBytes) {
        return delegate.countWithin(fromIndex, maxCount, maxBytes);
    }

    @Override
    public int read(long fromIndex, int maxCount, long maxBytes, EntryConsumer consumer) {
        return delegate.read(fromIndex, maxCount, maxBytes, consumer);
    }

    @Override
    public void writePending() {
        writerThreads.add(Thread.currentThread().getName());
        maybeFail();
        delegate.writePending();
    }

    @Override
    public long appendedBytes() {
        return delegate.appendedBytes();
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

    @Override
    public long durableIndex() {
        return delegate.durableIndex();
    }

    @Override
    public JournalReader newReader() {
        return delegate.newReader();
    }

    @Override
    public void compactBefore(long index) {
        delegate.compactBefore(index);
    }

    @Override
    public void abandon() {
        delegate.abandon();
    }

    @Override
    public Path directory() {
        return delegate.directory();
    }

    @Override
    public FsyncPolicy policy() {
        return delegate.policy();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
