package io.raftlog.journal;

import java.nio.file.Path;

import org.agrona.DirectBuffer;

/**
 * A journal that hands every call to another one: tests that inject a fault extend it and override only the
 * calls they break (public: the net module's tests use it through the log-core test jar).
 */
public abstract class ForwardingJournal implements Journal {
    protected final Journal delegate;

    protected ForwardingJournal(Journal delegate) {
        this.delegate = delegate;
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
        delegate.append(index, term, type, buffer, offset, length);
    }

    @Override
    public void truncateAfter(long index) {
        delegate.truncateAfter(index);
    }

    @Override
    public void installSnapshot(long index, long term) {
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
        delegate.writePending();
    }

    @Override
    public long flush() {
        return delegate.flush();
    }

    @Override
    public long appendedBytes() {
        return delegate.appendedBytes();
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
    public long firstIndexWrittenWithin(long ageMillis) {
        return delegate.firstIndexWrittenWithin(ageMillis);
    }

    @Override
    public long firstIndexKeepingBytes(long maxBytes) {
        return delegate.firstIndexKeepingBytes(maxBytes);
    }

    @Override
    public FsyncPolicy policy() {
        return delegate.policy();
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
    public void close() {
        delegate.close();
    }
}
