package io.raftlog.sim;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

import io.raftlog.raft.Message;

/**
 * A network of {@code n} nodes (ids 1..n) driven by the simulation's one PRNG: each message is lost,
 * duplicated, or delivered after a random delay (which reorders), and links can be cut per direction.
 * A cut link drops what is in flight on it at delivery time, as a real partition does.
 */
final class SimNetwork {

    record Envelope(long due, long seq, Message message, SimEntries entries) {
    }

    private final PriorityQueue<Envelope> queue =
        new PriorityQueue<>(Comparator.comparingLong(Envelope::due).thenComparingLong(Envelope::seq));
    private final boolean[][] cut;
    private long seq;

    double lossRate;
    double duplicateRate;
    int maxDelay = 1;
    long dropped;
    long duplicated;

    SimNetwork(int nodes) {
        cut = new boolean[nodes + 1][nodes + 1];
    }

    void send(long now, Message m, SimEntries entries, SplittableRandom rng) {
        if (lossRate > 0 && rng.nextDouble() < lossRate) {
            dropped++;
            return;
        }
        enqueue(now, m, entries, rng);
        if (duplicateRate > 0 && rng.nextDouble() < duplicateRate) {
            duplicated++;
            enqueue(now, m, entries, rng);
        }
    }

    private void enqueue(long now, Message m, SimEntries entries, SplittableRandom rng) {
        long due = now + 1 + rng.nextInt(maxDelay);
        queue.add(new Envelope(due, seq++, new Message().copyFrom(m), entries));
    }

    /** The next message due by {@code now}, or null. */
    Envelope nextDue(long now) {
        Envelope e = queue.peek();
        if (e == null || e.due() > now) {
            return null;
        }
        return queue.poll();
    }

    boolean isCut(int from, int to) {
        return cut[from][to];
    }

    void cut(int from, int to) {
        cut[from][to] = true;
    }

    void healAll() {
        for (boolean[] row : cut) {
            java.util.Arrays.fill(row, false);
        }
    }

    boolean anyCut() {
        for (boolean[] row : cut) {
            for (boolean c : row) {
                if (c) {
                    return true;
                }
            }
        }
        return false;
    }
}
