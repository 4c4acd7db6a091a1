package io.raftlog.pipeline;

/**
 * Client appends waiting for their entries to commit, in the order they were accepted (which is index
 * order, except for a retry answered with older indexes: it waits behind newer ones, which only delays its
 * ack). A bounded ring of primitive columns: nothing is allocated per append. Raft thread only.
 */
final class PendingAppends {
    private final long[] connection;
    private final long[] clientId;
    private final long[] firstSequence;
    private final long[] firstIndex;
    private final int[] count;
    private final int mask;
    private long head; // oldest
    private long tail; // next free

    PendingAppends(int capacity) {
        int size = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        connection = new long[size];
        clientId = new long[size];
        firstSequence = new long[size];
        firstIndex = new long[size];
        count = new int[size];
        mask = size - 1;
    }

    boolean isFull() {
        return tail - head == connection.length;
    }

    int size() {
        return (int) (tail - head);
    }

    void add(long connectionId, long client, long sequence, long first, int n) {
        if (isFull()) {
            throw new IllegalStateException("pending appends full");
        }
        int s = (int) (tail++ & mask);
        connection[s] = connectionId;
        clientId[s] = client;
        firstSequence[s] = sequence;
        firstIndex[s] = first;
        count[s] = n;
    }

    /** Acknowledges, oldest first, every append whose entries are all at or below {@code commitIndex}. */
    void ackUpTo(long commitIndex, ClientResponder responder) {
        while (head < tail) {
            int s = (int) (head & mask);
            if (firstIndex[s] + count[s] - 1 > commitIndex) {
                return;
            }
            head++;
            responder.appendAcked(connection[s], clientId[s], firstSequence[s], firstIndex[s], count[s]);
        }
    }

    /** Fails every waiting append (this node lost leadership: the clients retry at the new leader). */
    void failAll(AppendError error, int leaderId, ClientResponder responder) {
        while (head < tail) {
            int s = (int) (head++ & mask);
            responder.appendFailed(connection[s], clientId[s], firstSequence[s], error, leaderId, null);
        }
    }
}
