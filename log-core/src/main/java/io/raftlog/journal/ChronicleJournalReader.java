package io.raftlog.journal;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads entries of a {@link ChronicleJournal} through its own tailer, so one instance serves one thread.
 * Each entry's position (document and record in it) comes from the journal's position map; a document is
 * copied out once and its records served in order, and the tailer only moves when the next entry is not in
 * the next document (a segment boundary, or the previous call left it elsewhere). Every record's checksum
 * is checked before its bytes reach the consumer: corrupt data is never served. Only what the journal has
 * published ({@link Source#publishedLast()}: written documents) is read. A consumer's payload always lies in
 * the reader's copy of its document right after the record's header, so a consumer may take the whole record
 * (the flusher copies records into the tail files so).
 */
final class ChronicleJournalReader implements JournalReader {
    /** What the reader needs of its journal; the inspector supplies a read-only one. */
    interface Source {
        net.openhft.chronicle.queue.ChronicleQueue queue();

        long publishedFirst();

        long publishedLast();

        PositionMap positions();

        String describe(long queueIndex);

        /** Documents of at least this many bytes are copied out with pread ({@link CycleFileReads}); 0: all through the map. */
        int fileReadMinBytes();
    }

    private final Source journal;
    private final ExcerptTailer tailer;
    private final RecordBuffer rec = new RecordBuffer();
    /** Null where documents are copied through the map only. */
    private final CycleFileReads fileReads;
    private long nextQueueIndex = -1;
    /**
     * The document {@link #rec} holds. Documents never change once written, so a read that starts inside the
     * document the previous one stopped in (a frame-sized read of a large batch) takes it from memory instead
     * of copying the whole document out again.
     */
    private long loadedQueueIndex = -1;
    /** Of the last read: payload bytes delivered, and whether the consumer asked to stop. */
    private long lastReadBytes;
    private boolean lastReadStopped;

    ChronicleJournalReader(Source journal) {
        this.journal = journal;
        this.tailer = journal.queue().createTailer();
        // One thread at a time uses a reader, but not always the one that created it (the journal's own
        // reader is created while opening and then used by the raft thread): see ChronicleJournal.
        this.tailer.singleThreadedCheckDisabled(true);
        this.fileReads = CycleFileReads.forDocumentsOf(journal.fileReadMinBytes());
    }

    /**
     * What to throw when entry {@code index} could not be found or read: that it was compacted, if the journal's
     * first index has moved past it since this read checked it (retention or a snapshot ran meanwhile on the
     * raft thread, which publishes the new first index before it changes the position map or moves files),
     * else {@code problem}.
     */
    private RuntimeException compactedMeanwhileOr(long index, RuntimeException problem) {
        long first = journal.publishedFirst();
        return index < first ? new CompactedException(index, first) : problem;
    }

    @Override
    public int read(long fromIndex, long toIndexInclusive, int maxCount, long maxBytes, EntryConsumer consumer) {
        long first = journal.publishedFirst();
        if (fromIndex < first) {
            throw new CompactedException(fromIndex, first);
        }
        long last = Math.min(toIndexInclusive, journal.publishedLast());
        PositionMap.Snapshot positions = journal.positions().snapshot();
        int segments = positions.size;
        int count = 0;
        long bytes = 0;
        lastReadBytes = 0;
        lastReadStopped = false;
        long index = fromIndex;
        while (index <= last && count < maxCount) {
            int segment = positions.segmentOf(index, segments);
            if (segment < 0) {
                throw compactedMeanwhileOr(index, new IllegalStateException("entry " + index + " is not in the journal's position map"));
            }
            long queueIndex = positions.queueIndexOf(segment, index);
            int ordinal = positions.ordinalOf(segment, index);
            // The records of this document that belong to the log: a dense run has one per document, a packed
            // document holds its segment's entries (and maybe truncated ones after them, never served).
            long docLast = Math.min(last, positions.isDense(segment) ? index
                : positions.segmentEnd(segment, segments, last));
            String damage = null;
            if (queueIndex == loadedQueueIndex) {
                rec.rewind();
            } else {
                damage = load(index, queueIndex);
            }
            if (damage == null && !rec.skip(ordinal)) {
                damage = "its document ends before record " + ordinal;
            }
            boolean stop = false;
            while (index <= docLast && count < maxCount) {
                if (damage == null) {
                    damage = rec.next();
                }
                if (damage != null || rec.index() != index) {
                    loadedQueueIndex = -1;
                    throw compactedMeanwhileOr(index, new JournalCorruptedException("entry " + index + " at "
                        + (ordinal == 0 ? "" : "record " + ordinal + " of ") + journal.describe(queueIndex) + " is corrupt: "
                        + (damage != null ? damage : "it holds index " + rec.index())));
                }
                int payload = rec.payloadLength();
                if (count > 0 && bytes + payload > maxBytes) {
                    stop = true; // the next call starts here again, in the document already loaded
                    break;
                }
                bytes += payload;
                count++;
                lastReadBytes = bytes;
                index++;
                ordinal++;
                if (!consumer.accept(index - 1, rec.term(), rec.kind(), rec.buffer, rec.payloadOffset(), payload)) {
                    lastReadStopped = true;
                    stop = true;
                    break;
                }
            }
            if (stop) {
                break;
            }
        }
        return count;
    }

    /**
     * Copies document {@code queueIndex} into {@link #rec}; returns why it cannot hold a record, or null.
     * Reading a document leaves the tailer at the next one; anything else (a segment boundary, an earlier
     * call elsewhere) moves it.
     */
    private String load(long index, long queueIndex) {
        loadedQueueIndex = -1;
        // Whatever goes wrong finding the document (not there, or Chronicle failing on a file just moved away)
        // is the race with retention if the first index has moved past the entry meanwhile.
        try {
            if (queueIndex != nextQueueIndex && !tailer.moveToIndex(queueIndex)) {
                nextQueueIndex = -1;
                throw new IllegalStateException("entry " + index + " missing from the journal at " + journal.describe(queueIndex));
            }
            nextQueueIndex = -1;
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    throw new IllegalStateException("entry " + index + " missing from the journal at " + journal.describe(queueIndex));
                }
                String damage = rec.loadDocument(dc.wire().bytes(), fileReads);
                nextQueueIndex = queueIndex + 1;
                if (damage == null) {
                    loadedQueueIndex = queueIndex;
                }
                return damage;
            }
        } catch (RuntimeException e) {
            throw compactedMeanwhileOr(index, e);
        }
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
        if (fileReads != null) {
            fileReads.close();
        }
    }

    /** Documents this reader copied out with pread rather than through the map (for tests). */
    long fileReads() {
        return fileReads == null ? 0 : fileReads.reads();
    }
}
