package io.raftlog.raft;

/** Kinds of log entries. Stored with each entry; internal entries are never handed to consumers. */
public final class EntryType {
    /** An entry a producer appended. */
    public static final byte DATA = 0;
    /** The empty entry a new leader appends in its term so that earlier entries can commit (Raft 5.4.2). */
    public static final byte NOOP = 1;

    private EntryType() {
    }

    public static boolean isValid(byte type) {
        return type == DATA || type == NOOP;
    }

    public static String name(byte type) {
        return switch (type) {
            case DATA -> "data";
            case NOOP -> "noop";
            default -> "unknown(" + type + ")";
        };
    }
}
