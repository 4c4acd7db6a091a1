package io.raftlog.tools;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;

/**
 * Checks a produced-and-tailed stream end to end: every acknowledged entry (known by the tag its payload
 * carries, see {@link ProduceCommand#generate}) must be consumed exactly once, at the index its
 * acknowledgement gave, with indexes strictly increasing. Used by {@code demo} and the integration tests.
 */
final class StreamCheck {
    private final Long2LongHashMap ackedIndexByTag = new Long2LongHashMap(-1);
    private final Long2LongHashMap consumedIndexByTag = new Long2LongHashMap(-1);
    private long maxAckedIndex;
    private long lastConsumedIndex;
    private long consumed;
    private long duplicates;
    private long outOfOrder;

    /** What the check found; {@link #ok()} when nothing is missing, repeated, misplaced or out of order. */
    record Result(long acknowledged, long consumed, long duplicates, long outOfOrder, long missing, long misplaced,
                  long committedNotAcknowledged) {
        boolean ok() {
            return duplicates == 0 && outOfOrder == 0 && missing == 0 && misplaced == 0;
        }

        String problems() {
            return missing + " acknowledged entries missing, " + duplicates + " duplicates, " + outOfOrder
                + " out of index order, " + misplaced + " at another index than acknowledged";
        }
    }

    synchronized void acknowledged(long tag, long index) {
        ackedIndexByTag.put(tag, index);
        maxAckedIndex = Math.max(maxAckedIndex, index);
    }

    /** An entry the tail delivered; its tag is read from the payload. */
    synchronized void consumed(long index, DirectBuffer buffer, int offset, int length) {
        long tag = ProduceCommand.tagOf(buffer, offset, length);
        if (index <= lastConsumedIndex) {
            outOfOrder++;
        }
        lastConsumedIndex = Math.max(lastConsumedIndex, index);
        consumed++;
        if (consumedIndexByTag.get(tag) != -1) {
            duplicates++;
        } else {
            consumedIndexByTag.put(tag, index);
        }
    }

    synchronized long maxAckedIndex() {
        return maxAckedIndex;
    }

    synchronized long lastConsumedIndex() {
        return lastConsumedIndex;
    }

    synchronized long consumedCount() {
        return consumed;
    }

    synchronized Result check() {
        long missing = 0;
        long misplaced = 0;
        for (Long2LongHashMap.EntryIterator it = ackedIndexByTag.entrySet().iterator(); it.hasNext(); ) {
            it.next();
            long at = consumedIndexByTag.get(it.getLongKey());
            if (at == -1) {
                missing++;
            } else if (at != it.getLongValue()) {
                misplaced++;
            }
        }
        long extra = 0;
        for (Long2LongHashMap.KeyIterator it = consumedIndexByTag.keySet().iterator(); it.hasNext(); ) {
            if (ackedIndexByTag.get(it.nextValue()) == -1) {
                extra++;
            }
        }
        return new Result(ackedIndexByTag.size(), consumed, duplicates, outOfOrder, missing, misplaced, extra);
    }
}
