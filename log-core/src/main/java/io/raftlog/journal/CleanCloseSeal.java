package io.raftlog.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.LongFunction;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a clean close leaves beside the cycle files: the queue index of the last document, written only
 * after every document up to it was forced. Also moved up at a start (after recovery forced what the last run
 * left), at each checkpoint of the tail files and at each periodic fsync: each time to the last document written
 * before that force began (the Raft index it records is then a lower bound, for messages). A write is torn only
 * by a crash while it is in flight, so damage
 * at or below that document, or a journal that now ends before it, is corruption and not a torn tail:
 * cutting it back would silently drop entries this node may have acknowledged, so the journal refuses to
 * open instead (the node is restored from a peer). Without a seal (a crash, fsync=none) nothing changes.
 *
 * <p>The seal is never removed: documents are only ever appended after it, and a torn tail cut back at a
 * later start lies above it, so an old seal stays true. A torn-tail repair ({@link TornTailRepair}) rebuilds the
 * directory and may place the rewritten documents in another cycle, so it writes the seal again with the sealed
 * document's new queue index.
 *
 * <pre>  0 int magic 'RLCC' | 4 int version 1 | 8 long queue index | 16 long Raft last index | 24 int crc32c of 0..23</pre>
 */
final class CleanCloseSeal {
    private static final Logger LOG = LoggerFactory.getLogger(CleanCloseSeal.class);
    static final String FILE_NAME = "clean-close.seal";
    private static final int MAGIC = 0x524c4343;
    private static final int VERSION = 1;
    private static final int SIZE = 28;

    /** The last document forced at a clean close, and the Raft index the log ended at then. */
    record Seal(long queueIndex, long lastIndex) {
    }

    private CleanCloseSeal() {
    }

    /** After a close forced every document up to {@code queueIndex}. */
    static void write(Path dir, long queueIndex, long lastIndex) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, MAGIC).putInt(4, VERSION).putLong(8, queueIndex).putLong(16, lastIndex);
        b.putInt(24, checksum(b.array()));
        DurableFiles.replace(dir.resolve(FILE_NAME), b);
    }

    /**
     * The seal in {@code dir}, or null if there is none. A seal that cannot be read only loses its check: it
     * is logged, and the journal opens as after a crash.
     */
    static Seal read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("journal {}: cannot read {} ({}); opening as after a crash", dir, FILE_NAME, e.toString());
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length != SIZE || b.getInt(0) != MAGIC || b.getInt(4) != VERSION || b.getInt(24) != checksum(bytes)) {
            LOG.warn("journal {}: {} is damaged ({} bytes); opening as after a crash", dir, FILE_NAME, bytes.length);
            return null;
        }
        return new Seal(b.getLong(8), b.getLong(16));
    }

    /**
     * Why the scanned journal contradicts {@code seal} (a damaged record at or below it, or an end before it),
     * or null if it does not.
     */
    static String contradiction(Seal seal, JournalScan.Result scan, LongFunction<String> describe) {
        if (seal == null) {
            return null;
        }
        String closed = "everything up to " + describe.apply(seal.queueIndex()) + " (Raft index " + seal.lastIndex()
            + ") was forced (at a clean close, a start or a checkpoint of the tail files)";
        if (scan.tornFrom >= 0 && scan.tornFrom <= seal.queueIndex()) {
            return "record " + scan.tornReason + ", but " + closed + ": not a torn write";
        }
        if (scan.lastSeenQueueIndex < seal.queueIndex()) {
            return "its documents end at " + (scan.lastSeenQueueIndex < 0 ? "none" : describe.apply(scan.lastSeenQueueIndex))
                + ", but " + closed + ": forced documents are missing";
        }
        return null;
    }

    private static int checksum(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 24);
        return (int) crc.getValue();
    }
}
