package io.raftlog.journal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

import net.openhft.chronicle.core.OS;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a document's bytes into the cycle file with {@code pwrite} on a descriptor of its own, where the writer
 * would otherwise copy them through its memory map. Chronicle still opens and closes the document (its header,
 * its index) through the map. Writer thread only.
 *
 * <p>Why: the map and the file share one page cache, so the bytes land in the same pages either way, but on
 * the PVM guest of the fifth session the first access from user space to each 4 KiB page cost about 5 µs
 * (the hypervisor builds its own entry for the page), while the kernel's copy into the same pages does not
 * pay it: writing a 512 MiB sparse file a megabyte at a time ran at 2.2-3.6 GB/s with {@code pwrite} against
 * 0.2-0.9 GB/s through the map (docs/BENCHMARKS.md). A system call per document costs more than the copy of
 * a small one, so documents below the threshold (a kilobyte by default; W2's single records) keep the copy
 * through the map.
 *
 * <p>Safety: the bytes are in the page cache before the call returns, that is before Chronicle's header store
 * publishes the document, so a reader of the map that sees the header sees them. A write that fails for
 * another reason than a closed channel throws, like a write through the map that faults: the journal writes
 * nothing more until reopened. While the thread is interrupted (which would close the channel), and after a
 * closed channel, the document is copied through the map instead; the next one opens a new descriptor.
 */
final class CycleFileWrites implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CycleFileWrites.class);

    private final int minBytes;
    private final CycleFileChannel channel = new CycleFileChannel(StandardOpenOption.WRITE);
    /** A view of the last source array written, so that no buffer is allocated per document. */
    private byte[] viewedArray;
    private ByteBuffer view;
    private long writes;

    /**
     * What the writer puts large documents in with: null when {@code minBytes} is 0 (every document through the
     * map) or off Linux (that readers of the map see what pwrite wrote rests on Linux's one page cache for both).
     */
    static CycleFileWrites forDocumentsOf(int minBytes) {
        return minBytes > 0 && OS.isLinux() ? new CycleFileWrites(minBytes) : null;
    }

    /** @param minBytes documents of at least this many bytes go through the file; smaller ones through the map */
    CycleFileWrites(int minBytes) {
        if (minBytes < 1) {
            throw new IllegalArgumentException("smallest document written through the file must be >= 1 byte, got " + minBytes);
        }
        this.minBytes = minBytes;
    }

    /** Whether a document of {@code length} bytes is written here rather than through the map. */
    boolean takes(int length) {
        return length >= minBytes;
    }

    /**
     * Writes {@code length} bytes of {@code src} at {@code position} of {@code cycleFile}; false if it did not
     * (the thread is interrupted, or the channel was closed under it, perhaps after part of the bytes), and the
     * caller then copies them all through the map.
     *
     * @throws UncheckedIOException if the write failed (a full disk, an I/O error)
     */
    boolean write(File cycleFile, long position, UnsafeBuffer src, int srcOffset, int length) {
        byte[] array = src.byteArray();
        if (array == null) {
            return false; // not a heap buffer: the caller copies through the map
        }
        if (Thread.currentThread().isInterrupted()) {
            return false; // a FileChannel closes itself on an interrupt; the map does not mind one
        }
        try {
            FileChannel ch = channel.of(cycleFile);
            if (array != viewedArray) {
                viewedArray = array;
                view = ByteBuffer.wrap(array);
            }
            int from = src.wrapAdjustment() + srcOffset; // for a heap buffer: its offset into the array
            ByteBuffer bytes = view.limit(from + length).position(from);
            long at = position;
            while (bytes.hasRemaining()) {
                at += ch.write(bytes, at);
            }
            writes++;
            return true;
        } catch (ClosedChannelException e) {
            LOG.debug("writing {} through its descriptor: channel closed ({}); copying through the map", cycleFile, e.toString());
            channel.close();
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + length + " bytes at " + position + " of " + cycleFile + " failed: "
                + e.getMessage(), e);
        }
    }

    /** Documents written through the file (for tests). */
    long writes() {
        return writes;
    }

    @Override
    public void close() {
        channel.close();
    }
}
