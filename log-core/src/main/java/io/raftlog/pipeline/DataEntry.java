package io.raftlog.pipeline;

/**
 * The stored layout of a {@link io.raftlog.raft.EntryType#DATA} entry: {@code [clientId int64][sequence
 * int64][user bytes]}, little-endian. The (clientId, sequence) prefix is what makes appends exactly-once:
 * every node can rebuild its client sessions from the log alone, so a new leader knows what was appended.
 */
public final class DataEntry {
    public static final int CLIENT_ID_OFFSET = 0;
    public static final int SEQUENCE_OFFSET = 8;
    /** Bytes before the user's payload. */
    public static final int HEADER_LENGTH = 16;

    private DataEntry() {
    }
}
