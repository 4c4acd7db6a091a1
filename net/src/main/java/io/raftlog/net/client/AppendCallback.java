package io.raftlog.net.client;

/**
 * Told the outcome of one append. Called on the client's I/O thread: return quickly and never block
 * (in particular, do not call a blocking {@link LogClient#append} from here when the window may be full).
 */
public interface AppendCallback {

    /** The entry with this client sequence committed at {@code index}. */
    void onAppended(long sequence, long index);

    /** The entry was not acknowledged (deadline passed, rejected, or the client closed). It may still commit. */
    void onFailed(long sequence, Throwable error);
}
