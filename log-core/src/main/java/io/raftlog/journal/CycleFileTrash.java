package io.raftlog.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes compacted cycle files beside the writer. Unlinking a large file is slow on this machine's ext4,
 * mounted with {@code discard}: about 0.25 ms per MB measured with {@code rm} (250 ms for 1 GB), and an hourly
 * file of a busy node holds gigabytes. On the raft thread that would delay heartbeats into elections. So a
 * compaction only renames a file into the {@value #DIR_NAME} directory inside the journal (microseconds; Chronicle
 * lists only the journal directory itself, so the file is gone for it at once) and this class's thread deletes
 * it. A file still in there after a crash is deleted at the next open, by the same thread.
 */
final class CycleFileTrash implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CycleFileTrash.class);
    static final String DIR_NAME = "compacted";

    private final Path trash;
    private final String threadName;
    private Thread deleter; // started on first use
    private volatile boolean closed;
    private volatile boolean pending;

    CycleFileTrash(Path journalDir, String threadName) {
        this.trash = journalDir.resolve(DIR_NAME);
        this.threadName = threadName;
        if (Files.isDirectory(trash)) {
            wake(); // left by a run that stopped before it deleted them
        }
    }

    /** Writer thread: takes {@code file} out of the journal (a rename) and has it deleted beside the writer. */
    void discard(Path file) throws IOException {
        Files.createDirectories(trash);
        Files.move(file, trash.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        wake();
    }

    /** Whether the trash holds files not deleted yet (for tests). */
    boolean holdsFiles() throws IOException {
        if (!Files.isDirectory(trash)) {
            return false;
        }
        try (Stream<Path> files = Files.list(trash)) {
            return files.findAny().isPresent();
        }
    }

    private synchronized void wake() {
        pending = true;
        if (deleter == null && !closed) {
            deleter = new Thread(this::run, threadName);
            deleter.setDaemon(true);
            deleter.start();
        } else if (deleter != null) {
            LockSupport.unpark(deleter);
        }
    }

    private void run() {
        while (!closed) {
            if (!pending) {
                LockSupport.park(this);
                continue;
            }
            pending = false;
            deleteAll();
        }
    }

    private void deleteAll() {
        List<Path> files;
        try (Stream<Path> s = Files.list(trash)) {
            files = s.toList();
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", trash, e.toString());
            return;
        }
        for (Path f : files) {
            if (closed) {
                return; // the next open deletes the rest
            }
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                LOG.warn("could not delete compacted file {}: {}", f, e.toString());
            }
        }
    }

    /** Stops the thread, waiting for the file it is deleting at most a few seconds; the rest waits for the next open. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = deleter;
        }
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
