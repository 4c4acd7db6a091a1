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
 *  28  int   tag       0 in the journal; in a tail file, a FRAME's generation ({@link TailFile})
 *  32  payload
 * </pre>
 *
 * Markers: TRUNCATE(index = the new last index, everything above it is void); COMPACT(index = the new first
 * index, term = the term of the entry just below it, an 8-byte payload: the last index at that moment). An entry whose index is at or below
 * the current last index also supersedes the suffix from that index (the same rule Raft applies), so a
 * truncation is durable as soon as either is.
 *
 * <p>Tail files ({@link TailFile}) also hold FRAME records, never the journal: the same header (index = the
 * first entry's index, term = how many records it holds, tag = the file's generation) whose payload is entry
 * records exactly as the journal holds them, each with its own header and checksum. The frame's checksum
 * covers them all, so a torn or older frame is told apart as a torn or older record is.
 */
final class RecordFormat {
    static final int HEADER_LENGTH = 32;
    static final byte VERSION = 1;

    static final byte TRUNCATE = 0x10;
    static final byte COMPACT = 0x11;
    /** Tail files only: a run of entry records sealed as one (see the class comment). */
    static final byte FRAME = 0x20;

    static final int CRC_OFFSET = 0;
    static final int KIND_OFFSET = 4;
    static final int VERSION_OFFSET = 5;
    static final int INDEX_OFFSET = 8;
    static final int TERM_OFFSET = 16;
    static final int LENGTH_OFFSET = 24;
    static final int TAG_OFFSET = 28;

    /** Largest payload a record may carry; bounds the scratch buffer and rejects absurd lengths early. */
    static final int MAX_PAYLOAD = 16 * 1024 * 1024;
    /** Largest payload of a FRAME: room for at least one record of the largest payload. */
    static final int MAX_FRAME_PAYLOAD = MAX_PAYLOAD + HEADER_LENGTH;

    private RecordFormat() {
    }

    static boolean isEntry(byte kind) {
        return EntryType.isValid(kind);
    }

    static String kindName(byte kind) {
        return switch (kind) {
            case TRUNCATE -> "truncate";
            case COMPACT -> "compact";
            case FRAME -> "frame";
            default -> EntryType.name(kind);
        };
    }

    /**
     * Writes header and payload into the heap buffer {@code dst} at {@code at} and seals it with the checksum;
     * returns the record length.
     */
    static int encode(CRC32C crc, MutableDirectBuffer dst, int at, byte kind, long index, long term,
                      DirectBuffer payload, int offset, int length) {
        if (length > 0) {
            dst.putBytes(at + HEADER_LENGTH, payload, offset, length);
        }
        return seal(crc, dst, at, kind, index, term, length, 0);
    }

    /**
     * Seals the FRAME whose header is at {@code at} in the heap buffer {@code dst}, followed by {@code payloadLength}
     * bytes of {@code records} whole entry records starting with index {@code firstIndex}: writes the header and
     * the checksum over header and records. Returns the frame's length.
     */
    static int sealFrame(CRC32C crc, MutableDirectBuffer dst, int at, long firstIndex, int records, int payloadLength, int tag) {
        return seal(crc, dst, at, FRAME, firstIndex, records, payloadLength, tag);
    }

    /** Writes the header of the record at {@code at}, whose payload is in place, and its checksum; returns its length. */
    private static int seal(CRC32C crc, MutableDirectBuffer dst, int at, byte kind, long index, long term, int length, int tag) {
        dst.putByte(at + KIND_OFFSET, kind);
        dst.putByte(at + VERSION_OFFSET, VERSION);
        dst.putShort(at + 6, (short) 0);
        dst.putLong(at + INDEX_OFFSET, index);
        dst.putLong(at + TERM_OFFSET, term);
        dst.putInt(at + LENGTH_OFFSET, length);
        dst.putInt(at + TAG_OFFSET, tag);
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
        String unsealed = unsealed(crc, doc, at, recordLength);
        if (unsealed != null) {
            return unsealed;
        }
        byte kind = doc.getByte(at + KIND_OFFSET);
        if (!isEntry(kind) && kind != TRUNCATE && kind != COMPACT) {
            return "unknown record kind " + kind;
        }
        return null;
    }

    /** Why the record at {@code at} (of any kind) does not carry its own checksum and version, or null if it does. */
    static String unsealed(CRC32C crc, DirectBuffer doc, int at, int recordLength) {
        int stored = doc.getInt(at + CRC_OFFSET);
        int actual = checksum(crc, doc, at, recordLength);
        if (stored != actual) {
            return String.format("checksum mismatch (stored %08x, computed %08x)", stored, actual);
        }
        if (doc.getByte(at + VERSION_OFFSET) != VERSION) {
            return "unknown record version " + doc.getByte(at + VERSION_OFFSET);
        }
        return null;
    }
}
