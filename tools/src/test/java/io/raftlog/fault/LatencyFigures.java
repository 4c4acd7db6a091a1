package io.raftlog.fault;

import java.util.Arrays;

/**
 * One row of a latency section of the report ({@link ConsumerDelay}, {@link AppendLatency}): under a label (a
 * nemesis kind, "none", "all", a consumer), how many latencies, their p50, p99 and max (nearest rank; all 0 when
 * there are none), and how many cases gave no latency ({@code missing}: an ack a consumer never got, an append
 * that did not end OK).
 */
record LatencyFigures(String kind, int count, long p50Nanos, long p99Nanos, long maxNanos, int missing) {

    /** Nearest rank: the smallest value with at least {@code percent} % of the values at or below it. */
    static long percentile(long[] sorted, int percent) {
        int rank = (int) (((long) percent * sorted.length + 99) / 100);
        return sorted[Math.max(0, rank - 1)];
    }

    /** Latencies as a growable primitive array: a run's ~100k acks times three consumers would box badly. */
    static final class Accumulator {
        private long[] values = new long[64];
        private int size;
        private int missing;

        void add(long nanos) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = nanos;
        }

        /** A case that gave no latency. */
        void miss() {
            missing++;
        }

        LatencyFigures figures(String kind) {
            if (size == 0) {
                return new LatencyFigures(kind, 0, 0, 0, 0, missing);
            }
            long[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            return new LatencyFigures(kind, size, percentile(sorted, 50), percentile(sorted, 99), sorted[size - 1], missing);
        }
    }
}
