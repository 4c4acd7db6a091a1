package io.raftlog.journal;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;

/**
 * A descriptor of its own on the cycle file used last, opened when first needed and again when the file changes
 * (a roll): what {@link CycleFileWrites} and {@link CycleFileReads} copy documents through. One thread at a time.
 * Closing it loses nothing: nothing is forced through it.
 */
final class CycleFileChannel implements AutoCloseable {
    private final OpenOption mode;
    private File file;
    private FileChannel channel;

    /** @param mode how the file is opened: {@code READ} or {@code WRITE} */
    CycleFileChannel(OpenOption mode) {
        this.mode = mode;
    }

    /** The descriptor for {@code cycleFile}, closing the one for another file first. */
    FileChannel of(File cycleFile) throws IOException {
        if (channel == null || !cycleFile.equals(file)) {
            close();
            channel = FileChannel.open(cycleFile.toPath(), mode);
            file = cycleFile;
        }
        return channel;
    }

    /** Closes the descriptor (quietly); the next {@link #of} opens a new one. */
    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was forced through this descriptor: closing it loses nothing
            }
        }
        channel = null;
        file = null;
    }
}
