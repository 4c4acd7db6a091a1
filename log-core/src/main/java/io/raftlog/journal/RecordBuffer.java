package io.raftlog.journal;

import java.util.zip.CRC32C;

import org.agrona.concurrent.UnsafeBuffer;

import net.openhft.chronicle.bytes.Bytes;

/**
 * A reusable heap copy of one document read from the queue, walked record by record ({@link #next}), with
 * its own checksum state: one per reading thread. A document holds one record (journals written before
 * records were batched, large records, markers) or several; copying the whole document once costs the same
 * bytes as copying its records one by one. Grows (allocates) only when a document is larger than any before it.
 */
final class RecordBuffer {
    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
    final CRC32C crc = new CRC32C();
    /** Bytes of the loaded document. */
    int docLength;
    /** Offset of the current record in {@link #buffer}, its length (header and payload), its place in the document. */
    int at;
    int length;
    int ordinal;

    /**
     * Copies the unread bytes of a document in, a large document's out of its file by {@code fileReads} when it
     * can (null: always through the map); returns why it cannot hold a record, or null.
     */
    String loadDocument(Bytes<?> bytes, CycleFileReads fileReads) {
        at = 0;
        length = 0;
        ordinal = -1;
        long remaining = bytes.readRemaining();
        if (remaining <= 0) {
            docLength = 0;
            return "empty record";
        }
        if (remaining > RecordFormat.HEADER_LENGTH + (long) RecordFormat.MAX_PAYLOAD) {
            docLength = 0;
            return "record of " + remaining + " bytes is larger than any the journal writes";
        }
        docLength = (int) remaining;
        if (docLength > buffer.capacity()) {
            buffer.wrap(new byte[Math.max(docLength, buffer.capacity() * 2)]);
        }
        if (fileReads == null || !fileReads.read(bytes, bytes.readPosition(), buffer, docLength)) {
            bytes.read(bytes.readPosition(), buffer.byteArray(), 0, docLength);
        }
        return null;
    }

    /** Back to before the first record of the loaded document (it is read again from memory). */
    void rewind() {
        at = 0;
        length = 0;
        ordinal = -1;
    }

    /** Whether the loaded document holds bytes after the current record. */
    boolean hasNext() {
        return at + length < docLength;
    }

    /**
     * Moves to the next record of the document; returns why it is damaged, or null if it is whole. A record
     * whose length runs past the document takes the rest of it (nothing after it can be framed).
     */
    String next() {
        at += length;
        ordinal++;
        int left = docLength - at;
        if (left < RecordFormat.HEADER_LENGTH) {
            length = left;
            return "record of " + left + " bytes is shorter than its " + RecordFormat.HEADER_LENGTH + "-byte header";
        }
        int payload = buffer.getInt(at + RecordFormat.LENGTH_OFFSET);
        if (payload < 0 || payload > left - RecordFormat.HEADER_LENGTH) {
            length = left;
            return "payload length field " + payload + " does not fit the " + left + " bytes left in its document";
        }
        length = RecordFormat.HEADER_LENGTH + payload;
        return RecordFormat.damage(crc, buffer, at, length);
    }

    /** Skips {@code records} records without checking them (a reader starting inside a document); false if the document ends first. */
    boolean skip(int records) {
        for (int i = 0; i < records; i++) {
            at += length;
            ordinal++;
            int left = docLength - at;
            if (left < RecordFormat.HEADER_LENGTH) {
                return false;
            }
            int payload = buffer.getInt(at + RecordFormat.LENGTH_OFFSET);
            if (payload < 0 || payload > left - RecordFormat.HEADER_LENGTH) {
                return false;
            }
            length = RecordFormat.HEADER_LENGTH + payload;
        }
        return true;
    }

    byte kind() {
        return buffer.getByte(at + RecordFormat.KIND_OFFSET);
    }

    long index() {
        return buffer.getLong(at + RecordFormat.INDEX_OFFSET);
    }

    long term() {
        return buffer.getLong(at + RecordFormat.TERM_OFFSET);
    }

    int payloadOffset() {
        return at + RecordFormat.HEADER_LENGTH;
    }

    int payloadLength() {
        return length - RecordFormat.HEADER_LENGTH;
    }
}
