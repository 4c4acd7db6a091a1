package io.raftlog.net.client;

import java.util.Arrays;

/**
 * The APPEND frames on the wire of the current connection, oldest first: (firstSequence, count, resend). An ERROR
 * names only the failed frame's firstSequence, so this is how the client learns which sequences it covers.
 * Frames whose sequences all finished are dropped from the front; cleared on every new connection.
 */
final class SentFrames {
    private long[] first = new long[256];
    private int[] counts = new int[256];
    private boolean[] resends = new boolean[256];
    private int head;
    private int size;

    /** {@code resend}: the frame carries sequences sent before (its RESEND flag). */
    void add(long firstSequence, int count, boolean resend) {
        if (size == first.length) {
            long[] f = new long[size * 2];
            int[] c = new int[size * 2];
            boolean[] r = new boolean[size * 2];
            for (int k = 0; k < size; k++) {
                f[k] = first[(head + k) % first.length];
                c[k] = counts[(head + k) % first.length];
                r[k] = resends[(head + k) % first.length];
            }
            first = f;
            counts = c;
            resends = r;
            head = 0;
        }
        int i = (head + size) % first.length;
        first[i] = firstSequence;
        counts[i] = count;
        resends[i] = resend;
        size++;
    }

    /** Forgets frames whose every sequence is below {@code lowestPending}. */
    void dropBelow(long lowestPending) {
        while (size > 0 && first[head] + counts[head] <= lowestPending) {
            head = (head + 1) % first.length;
            size--;
        }
    }

    /** The count of the frame that started at {@code firstSequence}, or 0 when no such frame is known. */
    int countOf(long firstSequence) {
        int i = find(firstSequence);
        return i < 0 ? 0 : counts[i];
    }

    /** Whether the frame that started at {@code firstSequence} is known and was its sequences' first send. */
    boolean isFirstSend(long firstSequence) {
        int i = find(firstSequence);
        return i >= 0 && !resends[i];
    }

    private int find(long firstSequence) {
        for (int k = 0; k < size; k++) {
            int i = (head + k) % first.length;
            if (first[i] == firstSequence) {
                return i;
            }
        }
        return -1;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void clear() {
        head = 0;
        size = 0;
        Arrays.fill(counts, 0);
    }
}
