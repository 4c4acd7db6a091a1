package io.raftlog.net.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a node's data directory ({@code DATA/lock}), held while the node runs: two
 * processes writing one journal would corrupt it, so the second one is refused with a clear message.
 * The operating system drops the lock when the process dies, however it dies.
 *
 * <p>A second node in the same JVM is refused from {@link #HELD} before any file is opened: the operating
 * system's locks belong to the process, and on Linux closing any descriptor of the file drops all of them
 * (POSIX record locks; FileLock's documentation warns of it), so opening the file, failing to lock it and
 * closing it again would have freed the running node's lock for another process.
 */
final class DataDirLock implements AutoCloseable {
    static final String LOCK_FILE = "lock";
    /** The lock files this JVM holds, by absolute normalized path. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) {
        Path file = dataDir.resolve(LOCK_FILE);
        Path key = file.toAbsolutePath().normalize();
        if (!HELD.add(key)) {
            throw inUse(dataDir, file);
        }
        try {
            return lock(key, dataDir, file);
        } catch (RuntimeException e) {
            HELD.remove(key);
            throw e;
        }
    }

    private static DataDirLock lock(Path key, Path dataDir, Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            l = null;
        }
        if (l == null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing with the clearer message below
            }
            throw inUse(dataDir, file);
        }
        return new DataDirLock(key, ch, l);
    }

    private static UncheckedIOException inUse(Path dataDir, Path file) {
        String inUse = "data directory " + dataDir + " is in use by another raftlog node (" + file + " is locked)";
        return new UncheckedIOException(inUse, new IOException(inUse)); // the message alone, without a class name
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        } finally {
            HELD.remove(key);
        }
    }
}
