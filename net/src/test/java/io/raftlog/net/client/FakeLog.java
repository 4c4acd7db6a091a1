package io.raftlog.net.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The log a few {@link FakeNode}s share: entries by index (null for an internal no-op, which tails never
 * see) and, per clientId, the index each sequence got, so that a retried append is answered with its
 * original index, as the real leader does. Thread-safe; waiters are woken on every append.
 */
final class FakeLog {
    private final List<byte[]> entries = new ArrayList<>();
    private final Map<Long, Map<Long, Long>> indexBySequence = new HashMap<>();
    private int duplicateAppends;

    /** Appends unless (clientId, sequence) was seen; returns the entry's index either way. */
    synchronized long append(long clientId, long sequence, byte[] payload) {
        Map<Long, Long> seen = indexBySequence.computeIfAbsent(clientId, k -> new HashMap<>());
        Long index = seen.get(sequence);
        if (index != null) {
            duplicateAppends++;
            return index;
        }
        entries.add(payload);
        long i = entries.size();
        seen.put(sequence, i);
        notifyAll();
        return i;
    }

    /**
     * Whether {@code sequence} is below every sequence the log holds for the client while not held itself:
     * the real leader refuses such a retry for good ("older than the sequences this node remembers").
     */
    synchronized boolean olderThanRemembered(long clientId, long sequence) {
        Map<Long, Long> seen = indexBySequence.get(clientId);
        if (seen == null || seen.isEmpty() || seen.containsKey(sequence)) {
            return false;
        }
        return sequence < java.util.Collections.min(seen.keySet());
    }

    /** How many of sequences [first, first + count) of the client the log holds already. */
    synchronized int known(long clientId, long firstSequence, int count) {
        Map<Long, Long> seen = indexBySequence.get(clientId);
        int n = 0;
        for (int i = 0; seen != null && i < count; i++) {
            if (seen.containsKey(firstSequence + i)) {
                n++;
            }
        }
        return n;
    }

    /** An internal entry: takes an index, is never delivered to a tail. */
    synchronized long appendNoop() {
        entries.add(null);
        notifyAll();
        return entries.size();
    }

    synchronized long lastIndex() {
        return entries.size();
    }

    /** The entry at {@code index} (1-based), null for a no-op. */
    synchronized byte[] get(long index) {
        return entries.get((int) index - 1);
    }

    /** How many appends were answered from the dedup table instead of appending again. */
    synchronized int duplicateAppends() {
        return duplicateAppends;
    }

    /** Waits until the log has an entry past {@code index} or the timeout passes. */
    synchronized void awaitBeyond(long index, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (entries.size() <= index) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return;
            }
            wait(left);
        }
    }

    synchronized List<byte[]> dataEntries() {
        List<byte[]> out = new ArrayList<>();
        for (byte[] e : entries) {
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }
}
