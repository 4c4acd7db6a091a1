package io.raftlog.journal;

import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.raftlog.raft.EntryType;

/**
 * The bytes of one journal record (little-endian). A Chronicle Queue document holds one or more records back to
 * back, each framed by its own header and sealed by its own checksum, so a document is read record by record
 * and a damaged record is found (and named) on its own:
 *
 * <pre>
 *   0  int   crc32c over bytes [4, 32 + length)  (header after the checksum, then payload)
 *   4  byte  kind      DATA(0) / NOOP(1) entries, or TRUNCATE / COMPACT markers
 *   5  byte  version   1
 *   6  short reserved  0
 *   8  long  index     Raft index (markers: see below)
 *  16  long  term
 *  24  int   length    payload bytes
 *  28  int   tag       0 in the journal; the tail file's generation ({@link TailFile})
 *  32  payload
 * </pre>
 *
 * Markers: TRUNCATE(index = the new last index, everything above it is void); COMPACT(index = the new first
 * index, term = the term of the entry just below it, an 8-byte payload: the last index at that moment). An entry whose index is at or below
 * the current last index also supersedes the suffix from that index (the same rule Raft applies), so a
 * truncation is durable as soon as either is.
 */
final class RecordFormat {
    static final int HEADER_LENGTH = 32;
    static final byte VERSION = 1;

    static final byte TRUNCATE = 0x10;
    static final byte COMPACT = 0x11;

    static final int CRC_OFFSET = 0;
    static final int KIND_OFFSET = 4;
    static final int VERSION_OFFSET = 5;
    static final int INDEX_OFFSET = 8;
    static final int TERM_OFFSET = 16;
    static final int LENGTH_OFFSET = 24;
    static final int TAG_OFFSET = 28;

    /** Largest payload a record may carry; bounds the scratch buffer and rejects absurd lengths early. */
    static final int MAX_PAYLOAD = 16 * 1024 * 1024;

    private RecordFormat() {
    }

    static boolean isEntry(byte kind) {
        return EntryType.isValid(kind);
    }

    static String kindName(byte kind) {
        return switch (kind) {
            case TRUNCATE -> "truncate";
            case COMPACT -> "compact";
            default -> EntryType.name(kind);
        };
    }

    /**
     * Writes header and payload into the heap buffer {@code dst} at {@code at} and seals it with the checksum;
     * returns the record length.
     */
    static int encode(CRC32C crc, MutableDirectBuffer dst, int at, byte kind, long index, long term,
                      DirectBuffer payload, int offset, int length) {
        return encode(crc, dst, at, kind, index, term, payload, offset, length, 0);
    }

    /** As {@link #encode(CRC32C, MutableDirectBuffer, int, byte, long, long, DirectBuffer, int, int)}, with a tag. */
    static int encode(CRC32C crc, MutableDirectBuffer dst, int at, byte kind, long index, long term,
                      DirectBuffer payload, int offset, int length, int tag) {
        dst.putByte(at + KIND_OFFSET, kind);
        dst.putByte(at + VERSION_OFFSET, VERSION);
        dst.putShort(at + 6, (short) 0);
        dst.putLong(at + INDEX_OFFSET, index);
        dst.putLong(at + TERM_OFFSET, term);
        dst.putInt(at + LENGTH_OFFSET, length);
        dst.putInt(at + TAG_OFFSET, tag);
        if (length > 0) {
            dst.putBytes(at + HEADER_LENGTH, payload, offset, length);
        }
        int total = HEADER_LENGTH + length;
        dst.putInt(at + CRC_OFFSET, checksum(crc, dst, at, total));
        return total;
    }

    /**
     * Records are checksummed in heap arrays: the JDK's CRC32C intrinsic takes arrays or ByteBuffers, and
     * reaching it for raw mapped addresses would need another --add-opens; copying a record (a memcpy) costs
     * less than the checksum itself.
     */
    static int checksum(CRC32C crc, DirectBuffer heapRecord, int recordLength) {
        return checksum(crc, heapRecord, 0, recordLength);
    }

    /** The checksum of the record at {@code at} in a heap buffer. */
    static int checksum(CRC32C crc, DirectBuffer heapRecord, int at, int recordLength) {
        crc.reset();
        crc.update(heapRecord.byteArray(), heapRecord.wrapAdjustment() + at + 4, recordLength - 4);
        return (int) crc.getValue();
    }

    /**
     * Why the record at {@code at} in {@code doc} (a heap buffer), whose header says it is {@code recordLength}
     * bytes long (already checked to lie within its document), is not a whole, valid record, or null if it is one.
     */
    static String damage(CRC32C crc, DirectBuffer doc, int at, int recordLength) {
        int stored = doc.getInt(at + CRC_OFFSET);
        int actual = checksum(crc, doc, at, recordLength);
        if (stored != actual) {
            return String.format("checksum mismatch (stored %08x, computed %08x)", stored, actual);
        }
        if (doc.getByte(at + VERSION_OFFSET) != VERSION) {
            return "unknown record version " + doc.getByte(at + VERSION_OFFSET);
        }
        byte kind = doc.getByte(at + KIND_OFFSET);
        if (!isEntry(kind) && kind != TRUNCATE && kind != COMPACT) {
            return "unknown record kind " + kind;
        }
        return null;
    }
}
