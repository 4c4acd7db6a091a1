package io.raftlog.net.server;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Run in a child JVM: exits 0 if it could lock the file named by its argument, 1 if not. */
public final class LockProbe {
    private LockProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            System.exit(lock == null ? 1 : 0);
        }
    }
}
