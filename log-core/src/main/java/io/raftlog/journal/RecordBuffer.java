package io.raftlog.journal;

import java.util.zip.CRC32C;

import org.agrona.concurrent.UnsafeBuffer;

import net.openhft.chronicle.bytes.Bytes;

/**
 * A reusable heap copy of one record read from the queue, with its own checksum state: one per reading
 * thread. Grows (allocates) only when a record is larger than any before it.
 */
final class RecordBuffer {
    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
    final CRC32C crc = new CRC32C();
    int length;

    /** Copies the unread bytes of a document in; returns why the record is damaged, or null if it is whole. */
    String load(Bytes<?> bytes) {
        long remaining = bytes.readRemaining();
        if (remaining <= 0) {
            length = 0;
            return "empty record";
        }
        if (remaining > RecordFormat.HEADER_LENGTH + (long) RecordFormat.MAX_PAYLOAD) {
            length = 0;
            return "record of " + remaining + " bytes is larger than any the journal writes";
        }
        length = (int) remaining;
        if (length > buffer.capacity()) {
            buffer.wrap(new byte[Math.max(length, buffer.capacity() * 2)]);
        }
        bytes.read(bytes.readPosition(), buffer.byteArray(), 0, length);
        return RecordFormat.damage(crc, buffer, length);
    }

    byte kind() {
        return buffer.getByte(RecordFormat.KIND_OFFSET);
    }

    long index() {
        return buffer.getLong(RecordFormat.INDEX_OFFSET);
    }

    long term() {
        return buffer.getLong(RecordFormat.TERM_OFFSET);
    }

    int payloadLength() {
        return length - RecordFormat.HEADER_LENGTH;
    }
}
