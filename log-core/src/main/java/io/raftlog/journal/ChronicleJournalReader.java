package io.raftlog.journal;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads entries of a {@link ChronicleJournal} through its own tailer, so one instance serves one thread.
 * Each entry's position comes from the journal's position map; the tailer only moves when the next entry
 * is not the next document (a segment boundary, or the previous call left it elsewhere). Every record's
 * checksum is checked before its bytes reach the consumer: corrupt data is never served.
 */
final class ChronicleJournalReader implements JournalReader {
    /** What the reader needs of its journal; the inspector supplies a read-only one. */
    interface Source {
        net.openhft.chronicle.queue.ChronicleQueue queue();

        long publishedFirst();

        long publishedLast();

        PositionMap positions();

        String describe(long queueIndex);
    }

    private final Source journal;
    private final ExcerptTailer tailer;
    private final RecordBuffer rec = new RecordBuffer();
    private long nextQueueIndex = -1;
    /** Of the last read: payload bytes delivered, and whether the consumer asked to stop. */
    private long lastReadBytes;
    private boolean lastReadStopped;

    ChronicleJournalReader(Source journal) {
        this.journal = journal;
        this.tailer = journal.queue().createTailer();
        // One thread at a time uses a reader, but not always the one that created it (the journal's own
        // reader is created while opening and then used by the raft thread): see ChronicleJournal.
        this.tailer.singleThreadedCheckDisabled(true);
    }

    @Override
    public int read(long fromIndex, long toIndexInclusive, int maxCount, long maxBytes, EntryConsumer consumer) {
        long first = journal.publishedFirst();
        if (fromIndex < first) {
            throw new CompactedException(fromIndex, first);
        }
        long last = Math.min(toIndexInclusive, journal.publishedLast());
        PositionMap.Snapshot positions = journal.positions().snapshot();
        int count = 0;
        long bytes = 0;
        lastReadBytes = 0;
        lastReadStopped = false;
        for (long index = fromIndex; index <= last && count < maxCount; index++) {
            long queueIndex = positions.queueIndexOf(index);
            if (queueIndex != nextQueueIndex && !tailer.moveToIndex(queueIndex)) {
                nextQueueIndex = -1;
                if (index < journal.publishedFirst()) {
                    throw new CompactedException(index, journal.publishedFirst());
                }
                throw new IllegalStateException("entry " + index + " missing from the journal at " + journal.describe(queueIndex));
            }
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    nextQueueIndex = -1;
                    throw new IllegalStateException("entry " + index + " missing from the journal at " + journal.describe(queueIndex));
                }
                String damage = rec.load(dc.wire().bytes());
                if (damage != null || rec.index() != index) {
                    nextQueueIndex = -1;
                    throw new JournalCorruptedException("entry " + index + " at " + journal.describe(queueIndex) + " is corrupt: "
                        + (damage != null ? damage : "it holds index " + rec.index()));
                }
                int payload = rec.payloadLength();
                if (count > 0 && bytes + payload > maxBytes) {
                    nextQueueIndex = -1; // this document was consumed; the next call moves back to it
                    break;
                }
                bytes += payload;
                count++;
                lastReadBytes = bytes;
                nextQueueIndex = queueIndex + 1;
                if (!consumer.accept(index, rec.term(), rec.kind(), rec.buffer, RecordFormat.HEADER_LENGTH, payload)) {
                    lastReadStopped = true;
                    break;
                }
            }
        }
        return count;
    }

    /** Payload bytes the last {@link #read} delivered (the journal continues a read from its recent records). */
    long lastReadBytes() {
        return lastReadBytes;
    }

    /** Whether the consumer of the last {@link #read} returned false. */
    boolean lastReadStopped() {
        return lastReadStopped;
    }

    @Override
    public void close() {
        tailer.close();
    }
}
