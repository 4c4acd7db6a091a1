package io.raftlog.net.server;

import java.util.Locale;

/**
 * Which threads a node runs its raft work and its network on.
 */
public enum Threading {
    /** A transport thread of its own, handing frames to the raft thread through the ring. */
    DEDICATED,
    /**
     * The raft thread runs the transport between batches and waits in its selector
     * ({@link NetworkPollingWaitStrategy}): one thread and one wake-up fewer per message; the raft thread's
     * wait strategy setting does not apply.
     */
    SHARED;

    public static final Threading DEFAULT = SHARED;

    /** Parses {@code dedicated} or {@code shared}; the error names the bad value and the choices. */
    public static Threading parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "dedicated" -> DEDICATED;
            case "shared" -> SHARED;
            default -> throw new IllegalArgumentException("unknown threading '" + text + "': expected dedicated or shared");
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
