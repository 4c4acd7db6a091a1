package io.raftlog.sim;

import java.util.ArrayDeque;
import java.util.SplittableRandom;

import io.raftlog.raft.MemoryLogSlice;
import io.raftlog.raft.Message;

/**
 * A network of {@code n} nodes (ids 1..n) driven by the simulation's one PRNG: each message is lost,
 * duplicated, or delivered after a random delay (which reorders), and links can be cut per direction.
 * A cut link drops what is in flight on it at delivery time, as a real partition does.
 */
final class SimNetwork {

    record Envelope(long due, long seq, Message message, MemoryLogSlice entries) {
    }

    /**
     * Messages by the step they are due, in send order within a step: a ring of per-step queues (delays
     * are at most {@link #MAX_DELAY}, so the ring never wraps onto a step still pending).
     */
    private final ArrayDeque<Envelope>[] dueAt;
    private final boolean[][] cut;
    private long seq;

    double lossRate;
    double duplicateRate;
    /** Delays are uniform in [1, maxDelay] steps, maxDelay below {@link #STRAGGLER_MIN_DELAY}. */
    int maxDelay = 1;
    /**
     * The share of messages that straggle: held {@link #STRAGGLER_MIN_DELAY} to {@link #MAX_DELAY} steps, one
     * to three election timeouts, so that an AppendEntries or a vote answer arrives after terms have moved on
     * (ordinary delays are shorter than an election, and stale cross-term messages would hardly ever happen).
     */
    double stragglerRate;
    long sent;
    long dropped;
    long duplicated;
    long straggled;

    static final int STRAGGLER_MIN_DELAY = 10;
    static final int MAX_DELAY = 30;

    @SuppressWarnings("unchecked")
    SimNetwork(int nodes) {
        cut = new boolean[nodes + 1][nodes + 1];
        dueAt = new ArrayDeque[MAX_DELAY + 1];
        for (int i = 0; i < dueAt.length; i++) {
            dueAt[i] = new ArrayDeque<>();
        }
    }

    void send(long now, Message m, MemoryLogSlice entries, SplittableRandom rng) {
        sent++;
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

    private void enqueue(long now, Message m, MemoryLogSlice entries, SplittableRandom rng) {
        long due;
        if (stragglerRate > 0 && rng.nextDouble() < stragglerRate) {
            straggled++;
            due = now + STRAGGLER_MIN_DELAY + rng.nextInt(MAX_DELAY - STRAGGLER_MIN_DELAY + 1);
        } else {
            due = now + 1 + rng.nextInt(maxDelay);
        }
        dueAt[(int) (due % dueAt.length)].addLast(new Envelope(due, seq++, new Message().copyFrom(m), entries));
    }

    /** The next message due by {@code now}, or null. */
    Envelope nextDue(long now) {
        ArrayDeque<Envelope> queue = dueAt[(int) (now % dueAt.length)];
        Envelope e = queue.peekFirst();
        if (e == null || e.due() > now) {
            return null;
        }
        return queue.pollFirst();
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
