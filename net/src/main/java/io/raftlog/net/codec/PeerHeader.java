package io.raftlog.net.codec;

/** The start every peer frame shares: {@code 8 from int32 | 12 to int32 | 16 term int64}. */
final class PeerHeader {
    static final int FROM_OFFSET = 8;
    static final int TO_OFFSET = 12;
    static final int TERM_OFFSET = 16;
    /** Where each peer type's own fields begin. */
    static final int BODY_OFFSET = 24;

    private PeerHeader() {
    }
}
