package io.raftlog.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A size-limited tmpfs mounted over a test's directory, so that a journal runs out of space for real: its writes
 * through the memory map fault (SIGBUS) and its file writes fail with ENOSPC, as on a full disk. Needs Linux and
 * the right to mount (root); {@link #mount} answers null where that is missing, for the test to skip.
 */
public final class SmallFileSystem implements AutoCloseable {
    private final Path dir;

    private SmallFileSystem(Path dir) {
        this.dir = dir;
    }

    /** Mounts {@code megabytes} of tmpfs at {@code dir} (an existing, empty directory), or returns null. */
    public static SmallFileSystem mount(Path dir, int megabytes) {
        return run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString())
            ? new SmallFileSystem(dir) : null;
    }

    /** Makes room, as an operator would after the disk filled up. */
    public void resize(int megabytes) {
        if (!run("mount", "-o", "remount,size=" + megabytes + "m", dir.toString())) {
            throw new IllegalStateException("could not resize the tmpfs at " + dir);
        }
    }

    @Override
    public void close() {
        run("umount", "-l", dir.toString()); // lazy: a mapping still open elsewhere must not keep it mounted
    }

    private static boolean run(String... command) {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
