package io.raftlog.pipeline;

/** What a {@link PipelineEvent} slot holds. Plain constants: the slot is reused, never an object per kind. */
public final class EventKind {
    /** A slot given up by its producer (it failed after claiming); the raft thread skips it. */
    public static final int NONE = 0;
    /** A raw peer frame; the raft thread decodes it with the server's {@link PeerMessageDecoder}. */
    public static final int PEER_MESSAGE = 1;
    /** A batch of client payloads, already laid out as stored DATA entries. */
    public static final int CLIENT_APPEND = 2;
    /** The flusher made the log durable up to (index, term). */
    public static final int FLUSHED = 3;
    /** One unit of logical time. */
    public static final int TICK = 4;
    /** Stop the raft thread after this batch. */
    public static final int SHUTDOWN = 5;
    /** The flusher's force failed ({@link Flusher#failure()}): the node halts. */
    public static final int FLUSH_FAILED = 6;

    private EventKind() {
    }

    public static String name(int kind) {
        return switch (kind) {
            case PEER_MESSAGE -> "peer-message";
            case CLIENT_APPEND -> "client-append";
            case FLUSHED -> "flushed";
            case TICK -> "tick";
            case SHUTDOWN -> "shutdown";
            case FLUSH_FAILED -> "flush-failed";
            case NONE -> "none";
            default -> "unknown(" + kind + ")";
        };
    }
}
