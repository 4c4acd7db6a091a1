package io.raftlog.net.client;

/**
 * What a tail does when the entries it is to read next were dropped (retention, or a snapshot) on every node,
 * as a Kafka consumer's {@code auto.offset.reset} decides for an offset out of range. The tail asks every node
 * before it decides: each node drops entries on its own, and one may still hold what another dropped.
 */
public enum OnCompacted {
    /** The tail fails ({@link LogClientException}) naming the lowest first index any node holds. */
    FAIL,
    /**
     * The tail goes on from the lowest first index any node holds, so it loses as few entries as it can, and
     * tells its handler which ones it skipped ({@link EntryHandler#skipped}).
     */
    SKIP;

    /** The default of a tail from {@code fromIndex}: from 1 means "from the first entry kept", else fail. */
    static OnCompacted defaultFor(long fromIndex) {
        return fromIndex == 1 ? SKIP : FAIL;
    }
}
