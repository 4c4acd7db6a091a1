package io.raftlog.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * One of the two files of a {@link TailWal}: {@link RecordFormat} records from the start of the file, each
 * tagged with the file's generation. The file is reused: starting a new generation clears only the first
 * record's header, so what follows the newest record may be a record of an older generation, which a read
 * stops at (as at a torn or never written record).
 *
 * <p>Files are filled with zeros ahead of use ({@link #extendWithZeros}) so that forcing a write into them
 * changes no file metadata: an fdatasync then writes the data blocks and nothing else (on the benchmark
 * machine 0.30 ms instead of 0.49 ms for 64 KiB appended, three writers at once).
 */
final class TailFile implements AutoCloseable {
    private static final int ZERO_CHUNK = 1 << 20;
    /**
     * Never written to; every user takes its own {@code duplicate()} (position and limit). One per process rather
     * than a direct megabyte per call: the checkpoint thread fills files twice a second under load.
     */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ZERO_CHUNK).asReadOnlyBuffer();

    private final Path path;
    private final FileChannel channel;
    private long position;
    private int generation;

    private TailFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    static TailFile open(Path path) {
        try {
            return new TailFile(path, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + path + ": " + e.getMessage(), e);
        }
    }

    Path path() {
        return path;
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
    }

    /** Writes whole records, already tagged with this file's generation, after the last ones. */
    void write(ByteBuffer records) {
        try {
            while (records.hasRemaining()) {
                position += channel.write(records, position);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path + " failed: " + e.getMessage(), e);
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

    /** Durably voids every record in the file, by zeroing the first one's header. */
    void clearHead() {
        try {
            ByteBuffer zeros = ZEROS.duplicate().limit(RecordFormat.HEADER_LENGTH);
            while (zeros.hasRemaining()) {
                channel.write(zeros, zeros.position());
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
            position = 0;
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
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + path + " failed: " + e.getMessage(), e);
        }
    }

    /** What {@link #read} found: how many records, and the generation they carry (null: none). */
    record Contents(long records, Integer generation) {
    }

    /**
     * Hands every record of the generation of the file's first record to {@code visitor} (null: only count),
     * in order, stopping at the first record that is not whole and valid or is of another generation.
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
                if (length < 0 || length > RecordFormat.MAX_PAYLOAD || pos + RecordFormat.HEADER_LENGTH + length > fileSize) {
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
                byte kind = buf.getByte(at + RecordFormat.KIND_OFFSET);
                if (RecordFormat.damage(crc, buf, at, total) != null || !RecordFormat.isEntry(kind)) {
                    break;
                }
                int tag = buf.getInt(at + RecordFormat.TAG_OFFSET);
                if (records == 0) {
                    firstTag = tag;
                } else if (tag != firstTag) {
                    break; // an older generation's record, left from before the file was reused
                }
                if (visitor != null) {
                    visitor.record(kind, buf.getLong(at + RecordFormat.INDEX_OFFSET), buf.getLong(at + RecordFormat.TERM_OFFSET),
                        buf, at + RecordFormat.HEADER_LENGTH, length);
                }
                records++;
                pos += total;
            }
            return new Contents(records, records == 0 ? null : firstTag);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
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
