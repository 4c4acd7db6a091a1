package io.raftlog.bench;

import java.util.concurrent.locks.LockSupport;

import io.raftlog.net.client.AppendCallback;
import io.raftlog.net.client.LogClient;
import org.agrona.DirectBuffer;

/**
 * One append at a time, waited for: the caller parks until the client's receive thread reports the
 * commit (the same hand-off a W2 producer pays). One instance per calling thread; allocates nothing.
 */
final class AwaitedAppend implements AppendCallback {
    private volatile boolean done;
    private volatile long index;
    private volatile Throwable error;
    private volatile Thread waiter;

    /** Appends and returns the committed index; throws if the append failed. */
    long append(LogClient client, DirectBuffer payload, int length) {
        done = false;
        error = null;
        waiter = Thread.currentThread();
        client.append(payload, 0, length, this);
        while (!done) {
            LockSupport.park(this);
        }
        if (error != null) {
            throw new IllegalStateException("append failed: " + error.getMessage(), error);
        }
        return index;
    }

    @Override
    public void onAppended(long sequence, long committedIndex) {
        index = committedIndex;
        finish();
    }

    @Override
    public void onFailed(long sequence, Throwable failure) {
        error = failure;
        finish();
    }

    private void finish() {
        done = true;
        LockSupport.unpark(waiter);
    }
}
