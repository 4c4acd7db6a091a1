package io.raftlog.sim;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The history of one run: a hash of every event (always, cheaply: two runs of a seed must agree on it)
 * and, only when asked for, the last events as readable lines for a violation report.
 */
final class Trace {
    private final int capacity;
    private final ArrayDeque<String> lines;
    private long hash = 0xcbf29ce484222325L;

    Trace(int capacity) {
        this.capacity = capacity;
        this.lines = new ArrayDeque<>(Math.max(1, capacity));
    }

    /** Whether readable lines are kept; callers build strings only then. */
    boolean readable() {
        return capacity > 0;
    }

    void mix(long value) {
        hash = (hash ^ value) * 0x100000001b3L;
        hash ^= hash >>> 29;
    }

    void line(long step, String text) {
        if (capacity == 0) {
            return;
        }
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(step + ": " + text);
    }

    long hash() {
        return hash;
    }

    List<String> lines() {
        return List.copyOf(lines);
    }
}
