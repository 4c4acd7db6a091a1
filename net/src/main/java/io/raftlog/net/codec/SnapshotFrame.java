package io.raftlog.net.codec;

import static io.raftlog.net.codec.PeerHeader.BODY_OFFSET;
import static io.raftlog.net.codec.PeerHeader.TERM_OFFSET;

import org.agrona.MutableDirectBuffer;

/**
 * SNAPSHOT: {@code peer header | 24 lastIndex int64 | 32 lastTerm int64 | 40 leaderCommit int64}. InstallSnapshot
 * of a log without a state machine: the leader compacted everything through lastIndex, so the follower drops
 * its log and continues after it. No data travels; the answer is an APPEND_ENTRIES_RESPONSE.
 */
public final class SnapshotFrame extends PeerFrame {
    public static final int LAST_INDEX_OFFSET = BODY_OFFSET;
    public static final int LAST_TERM_OFFSET = BODY_OFFSET + 8;
    public static final int LEADER_COMMIT_OFFSET = BODY_OFFSET + 16;
    public static final int LENGTH = BODY_OFFSET + 24;

    @Override
    protected boolean accepts(int type) {
        return type == FrameType.SNAPSHOT;
    }

    public int encode(MutableDirectBuffer buffer, int offset, int from, int to, long term, long lastIndex, long lastTerm,
                      long leaderCommit) {
        startPeerFrame(buffer, offset, FrameType.SNAPSHOT, LENGTH, from, to, term);
        put64(LAST_INDEX_OFFSET, lastIndex);
        put64(LAST_TERM_OFFSET, lastTerm);
        put64(LEADER_COMMIT_OFFSET, leaderCommit);
        return LENGTH;
    }

    public long lastIndex() {
        return i64(LAST_INDEX_OFFSET);
    }

    public long lastTerm() {
        return i64(LAST_TERM_OFFSET);
    }

    public long leaderCommit() {
        return i64(LEADER_COMMIT_OFFSET);
    }
}
