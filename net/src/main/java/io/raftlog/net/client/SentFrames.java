package io.raftlog.net.client;

import java.util.Arrays;

/**
 * The APPEND frames on the wire of the current connection, oldest first: (firstSequence, count). An ERROR
 * names only the failed frame's firstSequence, so this is how the client learns which sequences it covers.
 * Frames whose sequences all finished are dropped from the front; cleared on every new connection.
 */
final class SentFrames {
    private long[] first = new long[256];
    private int[] counts = new int[256];
    private int head;
    private int size;

    void add(long firstSequence, int count) {
        if (size == first.length) {
            long[] f = new long[size * 2];
            int[] c = new int[size * 2];
            for (int k = 0; k < size; k++) {
                f[k] = first[(head + k) % first.length];
                c[k] = counts[(head + k) % first.length];
            }
            first = f;
            counts = c;
            head = 0;
        }
        int i = (head + size) % first.length;
        first[i] = firstSequence;
        counts[i] = count;
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
        for (int k = 0; k < size; k++) {
            int i = (head + k) % first.length;
            if (first[i] == firstSequence) {
                return counts[i];
            }
        }
        return 0;
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
