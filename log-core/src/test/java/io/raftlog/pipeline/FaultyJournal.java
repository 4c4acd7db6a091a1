package io.raftlog.pipeline;

import org.agrona.DirectBuffer;

import io.raftlog.journal.EntryConsumer;
import io.raftlog.journal.FsyncPolicy;
import io.raftlog.journal.Journal;
import io.raftlog.journal.JournalReader;

/** A journal whose writes can be made to fail, as a full or broken disk would. Delegates everything else. */
final class FaultyJournal implements Journal {
    private final Journal delegate;
    volatile boolean failWrites;

    FaultyJournal(Journal delegate) {
        this.delegate = delegate;
    }

    private void maybeFail() {
        if (failWrites) {
            throw new IllegalStateException("injected journal write failure (disk full)");
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
        maybeFail();
        delegate.append(index, term, type, buffer, offset, length);
    }

    @Override
    public void truncateAfter(long index) {
        maybeFail();
        delegate.truncateAfter(index);
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
        maybeFail();
        delegate.writePending();
    }

    @Override
    public long flush() {
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
    public FsyncPolicy policy() {
        return delegate.policy();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
