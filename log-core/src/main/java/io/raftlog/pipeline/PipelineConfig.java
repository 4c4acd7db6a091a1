package io.raftlog.pipeline;

/**
 * Bounds and timing of one node's pipeline. Every queue the pipeline owns is bounded by one of these.
 *
 * @param ringSize             slots in the Disruptor ring (a power of two)
 * @param maxBatch             events the raft thread takes before it ends a batch (replicate + flush)
 * @param clientReserve        slots kept free of client appends, so peer messages, ticks and flush
 *                             completions always find room when producers flood the ring
 * @param maxEntriesPerAppend  payloads in one client append request
 * @param maxAppendBytes       payload bytes in one client append request
 * @param maxPendingAppends    client append requests waiting for their commit before new ones get BUSY
 * @param tickMillis           period of the ticker thread (the Raft core counts time in ticks)
 * @param waitStrategy         how the raft thread waits for events, see {@link WaitStrategies}
 * @param slotRetainBytes      each slot's own buffer, allocated once at this size; larger events borrow a
 *                             pooled buffer (small: the ring's slots hold it all for the node's lifetime)
 * @param sessionClients       client sessions remembered for exactly-once (least recently used evicted)
 * @param sessionRuns          runs of consecutive sequences remembered per client
 * @param sessionRebuildEntries entries at the end of the journal scanned at start to rebuild the sessions
 * @param followerForceMaxBytes a follower whose batch appended at most this many payload bytes forces the
 *                             journal on its raft thread when the flusher is idle, instead of handing the
 *                             force to the flusher (fsync=batch only; 0: always the flusher). See RaftDriver.
 * @param retention            what the node drops of its committed log, whole journal files at a time (see
 *                             RaftDriver's retention); {@link Retention#KEEP_ALL} by default
 */
public record PipelineConfig(
    int ringSize,
    int maxBatch,
    int clientReserve,
    int maxEntriesPerAppend,
    int maxAppendBytes,
    int maxPendingAppends,
    long tickMillis,
    String waitStrategy,
    int slotRetainBytes,
    int sessionClients,
    int sessionRuns,
    long sessionRebuildEntries,
    int followerForceMaxBytes,
    Retention retention) {

    public PipelineConfig {
        if (ringSize < 16 || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException("ring size must be a power of two >= 16, got " + ringSize);
        }
        if (clientReserve < 1 || clientReserve >= ringSize) {
            throw new IllegalArgumentException("client reserve must be in [1, ringSize), got " + clientReserve);
        }
        if (maxBatch < 1 || maxEntriesPerAppend < 1 || maxAppendBytes < 1 || maxPendingAppends < 1
            || sessionClients < 1 || sessionRuns < 1 || sessionRebuildEntries < 0 || slotRetainBytes < 64
            || followerForceMaxBytes < 0 || retention == null) {
            throw new IllegalArgumentException("pipeline bounds must be positive: " + this);
        }
        if (tickMillis < 1) {
            throw new IllegalArgumentException("tick period must be >= 1 ms, got " + tickMillis);
        }
        WaitStrategies.create(waitStrategy); // fails early with a clear message on a bad name
    }

    /**
     * A follower's batch of up to 16 KiB is forced on its raft thread (W2 with fsync: p99 1.1-1.7 ms against
     * 1.8-2.4 ms through the flusher, alternated; docs/BENCHMARKS.md); larger ones, where writing the next
     * batch while the flusher forces this one pays off (W1k with fsync), go to the flusher.
     */
    public static final int DEFAULT_FOLLOWER_FORCE_MAX_BYTES = 16 << 10;

    /** Defaults for a server: a 4,096-slot ring, 10 ms ticks, backoff waiting. */
    public static PipelineConfig defaults() {
        return new PipelineConfig(4096, 1024, 512, 4096, 4 << 20, 65536, 10, WaitStrategies.DEFAULT,
            2 << 10, 8192, 1024, 1_000_000,
            Integer.getInteger("raftlog.pipeline.followerForceMaxBytes", DEFAULT_FOLLOWER_FORCE_MAX_BYTES), Retention.KEEP_ALL);
    }

    public PipelineConfig withTickMillis(long millis) {
        return new PipelineConfig(ringSize, maxBatch, clientReserve, maxEntriesPerAppend, maxAppendBytes,
            maxPendingAppends, millis, waitStrategy, slotRetainBytes, sessionClients, sessionRuns, sessionRebuildEntries,
            followerForceMaxBytes, retention);
    }

    public PipelineConfig withWaitStrategy(String name) {
        return new PipelineConfig(ringSize, maxBatch, clientReserve, maxEntriesPerAppend, maxAppendBytes,
            maxPendingAppends, tickMillis, name, slotRetainBytes, sessionClients, sessionRuns, sessionRebuildEntries,
            followerForceMaxBytes, retention);
    }

    public PipelineConfig withRing(int size, int batch, int reserve) {
        return new PipelineConfig(size, batch, reserve, maxEntriesPerAppend, maxAppendBytes,
            maxPendingAppends, tickMillis, waitStrategy, slotRetainBytes, sessionClients, sessionRuns, sessionRebuildEntries,
            followerForceMaxBytes, retention);
    }

    /** The most payload bytes one client append may carry (and so what queued appends may hold: RaftPipeline). */
    public PipelineConfig withMaxAppendBytes(int bytes) {
        return new PipelineConfig(ringSize, maxBatch, clientReserve, maxEntriesPerAppend, bytes,
            maxPendingAppends, tickMillis, waitStrategy, slotRetainBytes, sessionClients, sessionRuns, sessionRebuildEntries,
            followerForceMaxBytes, retention);
    }

    public PipelineConfig withFollowerForceMaxBytes(int bytes) {
        return new PipelineConfig(ringSize, maxBatch, clientReserve, maxEntriesPerAppend, maxAppendBytes,
            maxPendingAppends, tickMillis, waitStrategy, slotRetainBytes, sessionClients, sessionRuns, sessionRebuildEntries,
            bytes, retention);
    }

    /** How many clients' sessions are remembered for exactly-once (the least recently used is evicted). */
    public PipelineConfig withSessionClients(int clients) {
        return new PipelineConfig(ringSize, maxBatch, clientReserve, maxEntriesPerAppend, maxAppendBytes,
            maxPendingAppends, tickMillis, waitStrategy, slotRetainBytes, clients, sessionRuns, sessionRebuildEntries,
            followerForceMaxBytes, retention);
    }

    public PipelineConfig withRetention(Retention r) {
        return new PipelineConfig(ringSize, maxBatch, clientReserve, maxEntriesPerAppend, maxAppendBytes,
            maxPendingAppends, tickMillis, waitStrategy, slotRetainBytes, sessionClients, sessionRuns, sessionRebuildEntries,
            followerForceMaxBytes, r);
    }
}
