package io.raftlog.journal;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable copy of a journal's newest entries in plain files beside the Chronicle cycle files: what
 * {@link FsyncPolicy.Mode#BATCH} forces on every flush instead of the memory-mapped cycle files.
 *
 * <p>Why: forcing a memory-mapped file is slow. On the benchmark machine, three writers at once, an
 * fdatasync of a cycle file that took 64 KiB through its map took 1.6-1.9 ms (median); {@code write} +
 * fdatasync of the same bytes into a plain file filled with zeros beforehand took 0.30 ms. Acknowledgements
 * wait for the force, so its time is most of the commit latency under {@code --durable true}.
 *
 * <p>What it holds: {@link RecordFormat} entry records in the order the journal wrote them (an entry at or
 * below the index of the one before replaces the suffix from there, as in the journal), written since the
 * cycle files were last forced. They are the journal's own records, byte for byte, in FRAME records that carry
 * the file's generation and one checksum over all of them: one bulk copy and one checksum per force, where
 * encoding each record again with the generation in its own header cost a copy and a checksum per record. Two {@link TailFile}s take turns: once the active one holds
 * {@code switchBytes}, new records go to the other, and a checkpoint thread forces the cycle files (which
 * then hold durably everything the retired file held, as it was copied from them) and clears the retired
 * file for its next turn. The slow force of the mapped files thus runs beside the flushes, not in front of
 * them. If the other file is not cleared yet, the active one keeps growing.
 *
 * <p>On open the journal replays both files over what the cycle files recovered (older generation first):
 * after a power loss the cycle files may lack pages the kernel never wrote back. A torn last record (a
 * crash during a write that was never forced, so never acknowledged) ends a file's replay.
 *
 * <p>Threads: the journal's flusher calls {@link #append} and {@link #force}; the checkpoint thread is this
 * class's own (it also fills the files with zeros ahead of use); opening and {@link #close} happen while no
 * flusher runs.
 */
final class TailWal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TailWal.class);
    static final String[] FILE_NAMES = {"tail-0.wal", "tail-1.wal"};
    /** Encoded records are written in pieces of at most this size (one write call each). */
    private static final int WRITE_CHUNK = 1 << 20;
    private static final long CHECKPOINT_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Visits the records of a tail file in order. */
    @FunctionalInterface
    interface RecordVisitor {
        void record(byte kind, long index, long term, DirectBuffer buffer, int offset, int length);
    }

    private final TailFile[] files = new TailFile[2];
    private final long fileBytes;
    private final long switchBytes;
    private final Runnable forceCycleFiles;
    private final CRC32C crc = new CRC32C();
    private final Thread checkpointer;
    /** The checkpoint's force of the cycle files failed; the flusher's next {@link #force()} throws it. */
    private volatile Throwable checkpointFailure;
    private volatile boolean closed;

    // flusher thread
    private UnsafeBuffer encoded = new UnsafeBuffer(new byte[WRITE_CHUNK]);
    private ByteBuffer encodedView = ByteBuffer.wrap(encoded.byteArray());
    private int encodedBytes;
    /** Where in {@link #encoded} the open frame's header is, or -1: records appended since are its payload. */
    private int frameAt = -1;
    private long frameFirstIndex;
    private int frameRecords;
    private int active;
    private long forces;
    private long turns;

    // handed between the flusher and the checkpoint thread
    /** The file the checkpoint thread is to clear (-1: none); set by the flusher. */
    private volatile int retiring = -1;
    /** Whether the inactive file is cleared and may become the active one. */
    private volatile boolean standbyReady;
    /**
     * The second file has not been filled with zeros yet. That waits until the first is a quarter full, so
     * a journal that never writes much (a test, an idle node) never writes the second file at all.
     */
    private boolean standbyUnprepared = true;
    /** The checkpoint thread's first task: fill the first file with zeros ahead of the flusher. */
    private volatile boolean firstUnprepared = true;

    /**
     * Opens the tail files of journal directory {@code dir}, emptied: the caller has replayed them
     * ({@link #replay}) and forced the cycle files. Generations count from 1 again: within a run each file
     * gets a newer one at every turn, so a record left from an earlier turn is always of an older one.
     *
     * @param fileBytes size each file is filled to with zeros before it takes its turn (the first turn of the
     *        first file grows it as it goes)
     * @param directIo records written with O_DIRECT where the file system takes it ({@link TailFile#openEmpty})
     * @param forceCycleFiles forces the journal's cycle files; run by the checkpoint thread
     */
    TailWal(Path dir, long fileBytes, boolean directIo, Runnable forceCycleFiles, String threadName) {
        this.fileBytes = fileBytes;
        this.switchBytes = fileBytes / 4 * 3;
        this.forceCycleFiles = forceCycleFiles;
        // The older file is emptied first: a crash between the two then leaves the newer one, whose records replay
        // as before. Left alone, the older one's records would be replayed without the newer ones that replaced
        // some of them (a truncation shows in the tail files only as the records that follow it).
        int first = olderFirst(dir);
        files[first] = TailFile.openEmpty(dir.resolve(FILE_NAMES[first]), directIo);
        files[1 - first] = TailFile.openEmpty(dir.resolve(FILE_NAMES[1 - first]), directIo);
        files[0].begin(1);
        this.checkpointer = new Thread(this::runCheckpoints, threadName);
        this.checkpointer.setDaemon(true);
        this.checkpointer.start();
    }

    /** 0 or 1: the tail file of {@code dir} whose records are older (0 when they are not both there). */
    static int olderFirst(Path dir) {
        Integer g0 = TailFile.firstGeneration(dir.resolve(FILE_NAMES[0]));
        Integer g1 = TailFile.firstGeneration(dir.resolve(FILE_NAMES[1]));
        return g0 != null && g1 != null && g1 - g0 < 0 ? 1 : 0; // wrap-safe
    }

    /** Hands the records of the tail files of {@code dir} to {@code visitor}, the older generation's first. */
    static void replay(Path dir, RecordVisitor visitor) {
        int first = olderFirst(dir);
        for (int i : new int[] {first, 1 - first}) {
            Path file = dir.resolve(FILE_NAMES[i]);
            if (TailFile.firstGeneration(file) != null) {
                TailFile.read(file, visitor);
            }
        }
    }

    /** Whether {@code dir} holds tail files (a journal opened with another policy must still replay them). */
    static boolean exists(Path dir) {
        return dir.resolve(FILE_NAMES[0]).toFile().exists() || dir.resolve(FILE_NAMES[1]).toFile().exists();
    }

    /**
     * Flusher: adds one whole entry record, {@code length} bytes at {@code at} in {@code record} exactly as the
     * journal holds it (read back and checked, or the writer's own bytes from the {@link TailHandoff}, whose
     * checksum a replay checks); it reaches the file at the latest with the next {@link #force()}.
     */
    void appendRecord(DirectBuffer record, int at, int length) {
        if (frameAt >= 0 && encodedBytes - frameAt - RecordFormat.HEADER_LENGTH + length > RecordFormat.MAX_FRAME_PAYLOAD) {
            sealFrame(); // the next frame starts here: a frame never outgrows what a read of the file accepts
        }
        int needed = length + (frameAt < 0 ? RecordFormat.HEADER_LENGTH : 0);
        if (encodedBytes + needed > encoded.capacity()) {
            writeEncoded();
            needed = RecordFormat.HEADER_LENGTH + length;
            if (needed > encoded.capacity()) {
                encoded = new UnsafeBuffer(new byte[Integer.highestOneBit(needed) << 1]); // a rare, huge entry
                encodedView = ByteBuffer.wrap(encoded.byteArray());
            }
        }
        if (frameAt < 0) {
            frameAt = encodedBytes;
            encodedBytes += RecordFormat.HEADER_LENGTH;
            frameFirstIndex = record.getLong(at + RecordFormat.INDEX_OFFSET);
            frameRecords = 0;
        }
        encoded.putBytes(encodedBytes, record, at, length);
        encodedBytes += length;
        frameRecords++;
    }

    private void sealFrame() {
        if (frameAt >= 0) {
            RecordFormat.sealFrame(crc, encoded, frameAt, frameFirstIndex, frameRecords,
                encodedBytes - frameAt - RecordFormat.HEADER_LENGTH, files[active].generation());
            frameAt = -1;
        }
    }

    /**
     * Flusher: writes what was appended and makes it durable. Then, if the active file is full enough and the
     * other one is ready, switches to it and has the checkpoint thread retire this one.
     */
    void force() {
        Throwable failed = checkpointFailure;
        if (failed != null) {
            throw new IllegalStateException("the checkpoint could not force the journal's cycle files: " + failed, failed);
        }
        writeEncoded();
        TailFile file = files[active];
        file.force();
        forces++;
        if (standbyUnprepared && file.position() >= fileBytes / 4) {
            standbyUnprepared = false;
            retiring = 1 - active; // holds nothing yet: the checkpoint thread only fills it with zeros
            LockSupport.unpark(checkpointer);
        }
        if (file.position() >= switchBytes && standbyReady) {
            standbyReady = false;
            int next = 1 - active;
            files[next].begin(file.generation() + 1);
            active = next;
            turns++;
            retiring = 1 - next;
            LockSupport.unpark(checkpointer);
        }
    }

    private void writeEncoded() {
        sealFrame();
        if (encodedBytes == 0) {
            return;
        }
        ByteBuffer bytes = encodedView.clear().limit(encodedBytes);
        encodedBytes = 0; // whatever happens, these bytes are not written twice after a failure
        files[active].write(bytes);
    }

    /** Flusher: forces done (for tests and metrics). */
    long forces() {
        return forces;
    }

    /** How many times the files switched (for tests and metrics). */
    long turns() {
        return turns;
    }

    private void runCheckpoints() {
        while (!closed) {
            if (firstUnprepared) {
                // Beside the flusher's first records (see TailFile#extendWithZeros for why that is safe): its
                // forces then rarely need to allocate blocks or grow the file (W2, one entry per force).
                try {
                    files[0].extendWithZeros(fileBytes, () -> closed);
                } catch (RuntimeException e) {
                    LOG.warn("filling {} with zeros failed (harmless; its forces stay slower): {}", files[0].path(), e.toString());
                }
                firstUnprepared = false;
                continue;
            }
            int file = retiring;
            if (file < 0) {
                LockSupport.park(this);
                continue;
            }
            try {
                if (files[file].position() > 0) {
                    // Everything the retired file holds was copied from cycle files written before it retired:
                    // a force that starts now makes all of it durable there.
                    forceCycleFiles.run();
                }
            } catch (RuntimeException | Error e) {
                // Not retried: a second force may succeed without the pages the kernel could not write, and
                // clearing this file would then drop the only durable copy of what it holds. It is kept for the
                // next start to replay; the flusher's next force reports the failure and the node halts.
                LOG.error("checkpoint: forcing the cycle files failed, {} is kept and no checkpoint runs again: {}",
                    files[file].path(), e.toString());
                checkpointFailure = e;
                return;
            }
            try {
                files[file].clearHead();
                files[file].extendWithZeros(fileBytes, () -> closed);
                files[file].begin(files[file].generation());
                retiring = -1;
                standbyReady = true;
            } catch (RuntimeException e) {
                LOG.error("checkpoint of {} failed (retrying; meanwhile {} grows): {}", files[file].path(),
                    files[1 - file].path(), e.toString());
                LockSupport.parkNanos(this, CHECKPOINT_RETRY_NANOS);
            }
        }
    }

    /**
     * Stops the checkpoint thread and closes the files. With {@code clean}, first forces the cycle files and
     * clears both tail files, so the next open has nothing to replay; not after a checkpoint's force failed
     * (a second force proves nothing then). Returns whether it cleared them.
     */
    boolean close(boolean clean) {
        closed = true;
        LockSupport.unpark(checkpointer);
        try {
            checkpointer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean cleared = false;
        try {
            if (clean && checkpointFailure == null) {
                forceCycleFiles.run();
                // The older file first (the other one's, unless a checkpoint cleared it): a crash between the two
                // must leave the newer records, never the older ones alone (see the constructor).
                files[1 - active].clearHead();
                files[active].clearHead();
                cleared = true;
            }
        } finally {
            files[0].close();
            files[1].close();
        }
        return cleared;
    }

    @Override
    public void close() {
        close(false);
    }
}
