package io.raftlog.net.codec;

import static io.raftlog.net.codec.PeerHeader.BODY_OFFSET;

/**
 * APPEND_ENTRIES layout: {@code peer header | 24 prevLogIndex int64 | 32 prevLogTerm int64 |
 * 40 leaderCommit int64 | 48 entryCount int32 | 52 entries}, each entry
 * {@code [term int64][type u8][length int32][payload]}; entry i has index prevLogIndex + 1 + i.
 */
final class AppendEntriesLayout {
    static final int PREV_LOG_INDEX_OFFSET = BODY_OFFSET;
    static final int PREV_LOG_TERM_OFFSET = BODY_OFFSET + 8;
    static final int LEADER_COMMIT_OFFSET = BODY_OFFSET + 16;
    static final int ENTRY_COUNT_OFFSET = BODY_OFFSET + 24;
    static final int ENTRIES_OFFSET = BODY_OFFSET + 28;

    static final int ENTRY_TERM_OFFSET = 0;
    static final int ENTRY_TYPE_OFFSET = 8;
    static final int ENTRY_LENGTH_OFFSET = 9;
    static final int ENTRY_HEADER_LENGTH = 13;

    private AppendEntriesLayout() {
    }
}
