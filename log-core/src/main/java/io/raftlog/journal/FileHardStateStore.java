package io.raftlog.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

import io.raftlog.raft.HardState;

/**
 * Raft's (currentTerm, votedFor) in one small file, replaced atomically: write a temporary file, fsync it,
 * rename it over the old one, fsync the directory. A crash at any point leaves either the old or the new
 * state, never a mix, and {@link #save} returns only once the new state survives a power loss, which is what
 * keeps a node from voting twice in one term. A checksum catches a file damaged some other way; such a file
 * stops the node with a clear message instead of being read as term 0 (which could allow a second vote).
 *
 * <pre>  0 int magic 'RLHS' | 4 int version 1 | 8 long term | 16 int votedFor | 20 int crc32c of bytes 0..19</pre>
 */
public final class FileHardStateStore implements HardStateStore {
    private static final int MAGIC = 0x524c4853;
    private static final int VERSION = 1;
    private static final int SIZE = 24;

    private final Path file;
    private final ByteBuffer buffer = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();

    public FileHardStateStore(Path file) {
        this.file = file;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized HardState load() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return HardState.INITIAL; // never saved: a new node (a half-written .tmp never counted)
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read hard state " + file + ": " + e.getMessage(), e);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length != SIZE || b.getInt(0) != MAGIC) {
            throw new IllegalStateException("hard state " + file + " is not a raftlog hard-state file (" + bytes.length + " bytes)");
        }
        if (b.getInt(4) != VERSION) {
            throw new IllegalStateException("hard state " + file + " has unknown version " + b.getInt(4));
        }
        crc.reset();
        crc.update(bytes, 0, 20);
        if ((int) crc.getValue() != b.getInt(20)) {
            throw new IllegalStateException("hard state " + file + " fails its checksum; refusing to guess the term and vote");
        }
        return new HardState(b.getLong(8), b.getInt(16));
    }

    @Override
    public synchronized void save(HardState state) {
        buffer.clear();
        buffer.putInt(0, MAGIC).putInt(4, VERSION).putLong(8, state.term()).putInt(16, state.votedFor());
        crc.reset();
        crc.update(buffer.array(), 0, 20);
        buffer.putInt(20, (int) crc.getValue());
        try {
            DurableFiles.replace(file, buffer.position(0).limit(SIZE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save hard state " + state + " to " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // nothing held open between saves
    }
}
