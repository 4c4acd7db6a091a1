package io.raftlog.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.nio.file.ExtendedOpenOption;

/**
 * One of the two files of a {@link TailWal}: {@link RecordFormat} FRAME records from the start of the file,
 * each tagged with the file's generation and holding entry records as the journal wrote them. (Files written
 * before frames hold the entry records themselves, each tagged; a read takes both.) The file is reused:
 * starting a new generation clears only the first record's header, so what follows the newest record may be
 * a record of an older generation, which a read stops at (as at a torn or never written record).
 *
 * <p>Files are filled with zeros ahead of use ({@link #extendWithZeros}) so that forcing a write into them
 * allocates nothing and changes no size (on the benchmark machine 0.30 ms instead of 0.49 ms for 64 KiB
 * appended, three writers at once). ext4 without a journal still writes the block of the inode table that
 * holds the file's inode whenever that block is dirty, which a new modification time of any of its 16 inodes
 * makes it. Records go to the file with O_DIRECT where the file system takes it ({@link #openEmpty}).
 */
final class TailFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TailFile.class);
    private static final int ZERO_CHUNK = 1 << 20;
    /** Bytes of records a direct write carries at most (plus the partial block before them). */
    private static final int STAGING_BYTES = 1 << 20;
    /** Larger blocks than this are not worth a direct write per force; such a file system writes buffered. */
    private static final int MAX_DIRECT_ALIGNMENT = 64 * 1024;
    /**
     * Never written to; every user takes its own {@code duplicate()} (position and limit). One per process rather
     * than a direct megabyte per call: the checkpoint thread fills files twice a second under load.
     */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ZERO_CHUNK + MAX_DIRECT_ALIGNMENT)
        .alignedSlice(MAX_DIRECT_ALIGNMENT).asReadOnlyBuffer(); // aligned: clearHead writes a block of it with O_DIRECT

    private final Path path;
    private final FileChannel channel;
    /** Opened with O_DIRECT, or null: records go through the page cache ({@link #channel}). */
    private final FileChannel direct;
    /** The file system's block size, to which direct writes' offsets, lengths and memory are aligned; 1 without. */
    private final int alignment;
    private long position;
    private int generation;

    // direct writes only (the flusher, or the checkpoint thread on a retired file; handed over through TailWal's volatiles)
    /** Aligned staging memory, allocated at the first write; [0, carried) is the file's last, partial block. */
    private ByteBuffer staging;
    private UnsafeBuffer stagingView;
    /** The file offset of {@link #staging}'s first byte: a multiple of {@link #alignment}. */
    private long blockStart;
    private int carried;

    private TailFile(Path path, FileChannel channel, FileChannel direct, int alignment) {
        this.path = path;
        this.channel = channel;
        this.direct = direct;
        this.alignment = alignment;
    }

    /**
     * Opens the file and empties it durably ({@link #truncate}); with {@code directIo}, its records are written
     * with O_DIRECT where the file system takes it (checked with a write), else through the page cache.
     *
     * <p>Why direct: a flush writes each record once more after the journal wrote it, and through the page cache
     * that costs the flusher a copy into the cache, per-page bookkeeping, and the write-back in fdatasync; with
     * O_DIRECT the write goes from our memory to the disk and the fdatasync that follows only flushes the disk's
     * cache (and the inode, when it changed). The price is whole blocks: a force that ends inside a block
     * writes that block again, with the records it already held, at the next force. The bytes it held are
     * written unchanged, so a torn rewrite cannot damage an acknowledged record.
     */
    static TailFile openEmpty(Path path, boolean directIo) {
        FileChannel buffered = openBuffered(path);
        TailFile plain = new TailFile(path, buffered, null, 1);
        plain.truncate();
        if (!directIo) {
            return plain;
        }
        FileChannel direct = null;
        try {
            int alignment = Math.toIntExact(Files.getFileStore(path).getBlockSize());
            if (alignment <= 0 || Integer.bitCount(alignment) != 1 || alignment > MAX_DIRECT_ALIGNMENT) {
                LOG.info("{}: block size {} does not suit direct writes; writing through the page cache", path, alignment);
                return plain;
            }
            direct = FileChannel.open(path, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
            TailFile file = new TailFile(path, buffered, direct, alignment);
            file.clearHead(); // the probe: a file system that refuses O_DIRECT writes (not only opens) says so here
            file.truncate();
            return file;
        } catch (IOException | UnsupportedOperationException | UncheckedIOException | ArithmeticException e) {
            LOG.info("{}: direct writes unavailable ({}); writing through the page cache", path, e.toString());
            closeQuietly(direct);
            return plain;
        }
    }

    private static FileChannel openBuffered(Path path) {
        try {
            return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + path + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the probe failed already: that is what the caller reports
            }
        }
    }

    Path path() {
        return path;
    }

    /** Whether records are written with O_DIRECT. */
    boolean isDirect() {
        return direct != null;
    }

    int generation() {
        return generation;
    }

    /** Where the next record goes. */
    long position() {
        return position;
    }

    /** Starts writing generation {@code gen} at the start of the file (after {@link #clearHead()}). */
    void begin(int gen) {
        generation = gen;
        position = 0;
        blockStart = 0;
        carried = 0;
    }

    /** Writes whole records (frames), already tagged with this file's generation, after the last ones. */
    void write(ByteBuffer records) {
        try {
            if (direct == null) {
                while (records.hasRemaining()) {
                    position += channel.write(records, position);
                }
                return;
            }
            while (records.hasRemaining()) {
                writeDirect(records);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Writes as many of {@code records} as the staging memory takes after the partial block carried from the last
     * write: that block again, the records, zeros to the end of their last block (so that a read stops there, as
     * at zeros never written).
     */
    private void writeDirect(ByteBuffer records) throws IOException {
        if (staging == null) {
            staging = ByteBuffer.allocateDirect(STAGING_BYTES + 2 * alignment).alignedSlice(alignment);
            stagingView = new UnsafeBuffer(staging);
        }
        int n = Math.min(records.remaining(), staging.capacity() - alignment - carried);
        stagingView.putBytes(carried, records, records.position(), n);
        records.position(records.position() + n);
        int end = carried + n;
        int padded = (end + alignment - 1) & -alignment;
        stagingView.setMemory(end, padded - end, (byte) 0);
        writeStaged(padded);
        int whole = end & -alignment;
        carried = end - whole;
        if (carried > 0 && whole > 0) {
            stagingView.putBytes(0, stagingView, whole, carried); // no overlap: carried < alignment <= whole
        }
        blockStart += whole;
        position = blockStart + carried;
    }

    private void writeStaged(int bytes) throws IOException {
        staging.clear().limit(bytes);
        while (staging.hasRemaining()) {
            direct.write(staging, blockStart + staging.position());
        }
    }

    /** fdatasync: what was written is durable, and so is the file's size if a write grew it. */
    void force() {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("fsync of " + path + " failed: " + e.getMessage(), e);
        }
    }

    /** Durably voids every record in the file, by zeroing the first one's header (direct: the first block). */
    void clearHead() {
        try {
            begin(generation);
            // A direct write covers the whole first block; through the page cache the header is enough.
            FileChannel to = direct != null ? direct : channel;
            ByteBuffer zeros = ZEROS.duplicate().limit(direct != null ? alignment : RecordFormat.HEADER_LENGTH);
            while (zeros.hasRemaining()) {
                to.write(zeros, zeros.position());
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("clearing " + path + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Durably empties the file. Done at every open: generations start again at 1 then, so no record of an
     * earlier run may be left anywhere in the file for a read to run into.
     */
    void truncate() {
        try {
            channel.truncate(0);
            channel.force(true);
            begin(generation);
        } catch (IOException e) {
            throw new UncheckedIOException("emptying " + path + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Grows the file with zeros to at least {@code bytes}, durably (allocated and written blocks, forced a
     * chunk at a time), stopping
     * early once {@code stop} says so. Safe while another thread writes records into the file: the zeros are
     * appended ({@code O_APPEND}: the kernel places each write at the file's size at that moment, under the
     * inode's lock), and a record writer never writes past the end of what it wrote itself, which is at or
     * below the size. So zeros never land on a record, and a record may land on zeros.
     */
    void extendWithZeros(long bytes, java.util.function.BooleanSupplier stop) {
        try (FileChannel append = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer zeros = ZEROS.duplicate();
            long size = append.size();
            if (size >= bytes) {
                return;
            }
            while (size < bytes && !stop.getAsBoolean()) {
                zeros.clear().limit((int) Math.min(ZERO_CHUNK, bytes - size));
                append.write(zeros);
                size = append.size();
                // A chunk at a time to the disk: 32 MiB written back at once kept three nodes' flushes
                // waiting 81-95 ms behind it (the same queueing as the checkpoints before write-behind).
                append.force(false);
            }
            append.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("preallocating " + path + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try (FileChannel closedSecond = channel; FileChannel closedFirst = direct) {
            // both closed, the direct one first; a null one is skipped
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + path + " failed: " + e.getMessage(), e);
        }
    }

    /** What {@link #read} found: how many records, and the generation they carry (null: none). */
    record Contents(long records, Integer generation) {
    }

    /**
     * Hands every entry record of the generation of the file's first record to {@code visitor} (null: only
     * count), in order, stopping at the first record that is not whole and valid or is of another generation.
     * A frame whose own checksum holds but whose records do not is not a torn write (the checksum covers
     * them): that throws {@link JournalCorruptedException}, naming the file and the place.
     */
    static Contents read(Path path, TailWal.RecordVisitor visitor) {
        return read(path, visitor, Long.MAX_VALUE);
    }

    /** The generation of the file's first record (null: it holds none), reading no further than that record. */
    static Integer firstGeneration(Path path) {
        return read(path, null, 1).generation();
    }

    private static Contents read(Path path, TailWal.RecordVisitor visitor, long maxRecords) {
        if (!path.toFile().exists()) {
            return new Contents(0, null);
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            CRC32C crc = new CRC32C();
            UnsafeBuffer buf = new UnsafeBuffer(new byte[ZERO_CHUNK]);
            long fileSize = ch.size();
            long bufStart = 0;
            int bufLength = 0;
            long pos = 0;
            long records = 0;
            int firstTag = 0;
            while (records < maxRecords && pos + RecordFormat.HEADER_LENGTH <= fileSize) {
                int at = (int) (pos - bufStart);
                if (at + RecordFormat.HEADER_LENGTH > bufLength) {
                    bufStart = pos;
                    bufLength = fill(ch, buf, pos, fileSize);
                    at = 0;
                }
                int length = buf.getInt(at + RecordFormat.LENGTH_OFFSET);
                byte kind = buf.getByte(at + RecordFormat.KIND_OFFSET);
                int maxLength = kind == RecordFormat.FRAME ? RecordFormat.MAX_FRAME_PAYLOAD : RecordFormat.MAX_PAYLOAD;
                if (length < 0 || length > maxLength || pos + RecordFormat.HEADER_LENGTH + length > fileSize) {
                    break; // a torn header, zeros where nothing was written, or the middle of an older record
                }
                int total = RecordFormat.HEADER_LENGTH + length;
                if (at + total > bufLength) {
                    if (total > buf.capacity()) {
                        buf = new UnsafeBuffer(new byte[Integer.highestOneBit(total) << 1]);
                    }
                    bufStart = pos;
                    bufLength = fill(ch, buf, pos, fileSize);
                    at = 0;
                }
                if (RecordFormat.unsealed(crc, buf, at, total) != null || !(kind == RecordFormat.FRAME || RecordFormat.isEntry(kind))) {
                    break;
                }
                int tag = buf.getInt(at + RecordFormat.TAG_OFFSET);
                if (records == 0) {
                    firstTag = tag;
                } else if (tag != firstTag) {
                    break; // an older generation's record, left from before the file was reused
                }
                if (kind == RecordFormat.FRAME) {
                    records += readFrame(path, pos, crc, buf, at, total, visitor);
                } else {
                    visit(buf, at, visitor);
                    records++;
                }
                pos += total;
            }
            return new Contents(records, records == 0 ? null : firstTag);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Hands the entry records of the sealed frame at {@code at} ({@code frameLength} bytes, at {@code filePosition}
     * in the file) to {@code visitor}; returns how many it held.
     */
    private static int readFrame(Path path, long filePosition, CRC32C crc, UnsafeBuffer buf, int at, int frameLength,
                                 TailWal.RecordVisitor visitor) {
        int end = at + frameLength;
        int record = at + RecordFormat.HEADER_LENGTH;
        int count = 0;
        while (record < end) {
            int left = end - record;
            int length = left < RecordFormat.HEADER_LENGTH ? -1 : buf.getInt(record + RecordFormat.LENGTH_OFFSET);
            String damage;
            if (length < 0 || length > left - RecordFormat.HEADER_LENGTH) {
                damage = "it does not fit the " + left + " bytes left in the frame";
            } else {
                damage = RecordFormat.damage(crc, buf, record, RecordFormat.HEADER_LENGTH + length);
                byte kind = buf.getByte(record + RecordFormat.KIND_OFFSET);
                if (damage == null && !RecordFormat.isEntry(kind) && kind != RecordFormat.COMPACT && kind != RecordFormat.TRUNCATE) {
                    damage = "it is a " + RecordFormat.kindName(kind) + " record, not an entry, a truncation or a snapshot's compaction";
                }
            }
            if (damage == null && count == 0 && buf.getLong(record + RecordFormat.INDEX_OFFSET) != buf.getLong(at + RecordFormat.INDEX_OFFSET)) {
                damage = "it holds index " + buf.getLong(record + RecordFormat.INDEX_OFFSET) + " where the frame says "
                    + buf.getLong(at + RecordFormat.INDEX_OFFSET);
            }
            if (damage != null) {
                throw new JournalCorruptedException(path + ": record " + count + " of the frame at byte " + filePosition
                    + " is corrupt although the frame's checksum holds: " + damage);
            }
            visit(buf, record, visitor);
            count++;
            record += RecordFormat.HEADER_LENGTH + length;
        }
        if (count != buf.getLong(at + RecordFormat.TERM_OFFSET)) {
            throw new JournalCorruptedException(path + ": the frame at byte " + filePosition + " holds " + count
                + " records where its header says " + buf.getLong(at + RecordFormat.TERM_OFFSET));
        }
        return count;
    }

    private static void visit(UnsafeBuffer buf, int at, TailWal.RecordVisitor visitor) {
        if (visitor != null) {
            visitor.record(buf.getByte(at + RecordFormat.KIND_OFFSET), buf.getLong(at + RecordFormat.INDEX_OFFSET),
                buf.getLong(at + RecordFormat.TERM_OFFSET), buf, at + RecordFormat.HEADER_LENGTH,
                buf.getInt(at + RecordFormat.LENGTH_OFFSET));
        }
    }

    /** Reads from {@code position} until {@code buf} is full or the file ends; returns the bytes read. */
    private static int fill(FileChannel ch, UnsafeBuffer buf, long position, long fileSize) throws IOException {
        int want = (int) Math.min(buf.capacity(), fileSize - position);
        ByteBuffer dst = ByteBuffer.wrap(buf.byteArray(), 0, want);
        while (dst.hasRemaining()) {
            if (ch.read(dst, position + dst.position()) < 0) {
                break;
            }
        }
        return dst.position();
    }
}
