package io.raftlog.net.server;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Run in a child JVM: exits {@link #FREE} if it could lock the file named by its argument, {@link #HELD} if
 * another process holds the lock; any other exit (an exception: 1) is a probe that failed, never an answer.
 */
public final class LockProbe {
    static final int FREE = 0;
    static final int HELD = 3;

    private LockProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            System.exit(lock == null ? HELD : FREE);
        }
    }
}
