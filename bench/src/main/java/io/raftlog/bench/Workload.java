package io.raftlog.bench;

import java.time.Duration;

/**
 * The shared benchmark workloads of the design notes. Every raftlog number that is compared with another
 * system comes from one of these, so their defaults live here and nowhere else.
 */
public enum Workload {
    /** Throughput: 128-byte payloads, up to 1,024 appends outstanding, 3 s warm-up, 10 s measured. */
    W1(128, 1024, RunLength.ofTime(Duration.ofSeconds(3)), RunLength.ofTime(Duration.ofSeconds(10))),
    /** W1 with 1 KiB payloads. */
    W1k(1024, 1024, RunLength.ofTime(Duration.ofSeconds(3)), RunLength.ofTime(Duration.ofSeconds(10))),
    /** Latency: 128-byte payloads, one append outstanding, 2,000 warm-up appends then 20,000 measured. */
    W2(128, 1, RunLength.ofOps(2_000), RunLength.ofOps(20_000));

    private final int payloadBytes;
    private final int window;
    private final RunLength warmup;
    private final RunLength measured;

    Workload(int payloadBytes, int window, RunLength warmup, RunLength measured) {
        this.payloadBytes = payloadBytes;
        this.window = window;
        this.warmup = warmup;
        this.measured = measured;
    }

    public int payloadBytes() {
        return payloadBytes;
    }

    public int window() {
        return window;
    }

    public RunLength warmup() {
        return warmup;
    }

    public RunLength measured() {
        return measured;
    }

    /** Parses a workload name case-insensitively ({@code w1k} and {@code W1K} both mean W1k). */
    public static Workload parse(String name) {
        String n = name == null ? "" : name.trim();
        for (Workload w : values()) {
            if (w.name().equalsIgnoreCase(n)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + name + "': expected W1, W1k or W2");
    }

    @Override
    public String toString() {
        return name();
    }
}
