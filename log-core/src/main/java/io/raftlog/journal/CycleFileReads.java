package io.raftlog.journal;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.core.OS;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a large document's bytes out of its cycle file with {@code pread} on a descriptor of its own, where a
 * reader would otherwise copy them through the memory map. The reader's counterpart of {@link CycleFileWrites},
 * for the same reason: on the PVM guest the first access from user space to each 4 KiB page of a mapping costs
 * microseconds (the hypervisor builds its own entry for the page), and the journal's readers are the first to
 * touch most pages, since the writer puts large documents into the file with {@code pwrite}. The flusher, which
 * reads every entry back to copy it into the tail files, spent 42% of its samples in that copy out of the map in
 * W1 with fsync (docs/BENCHMARKS.md, twelfth session); the kernel's copy from the same page cache does not pay it.
 * Documents below the threshold (a page by default: W2's single records) keep the copy through the map, whose
 * first page the tailer has just touched to read the document's header.
 *
 * <p>Safety: a document's bytes are in the page cache before Chronicle publishes its header (through the map or
 * with {@code pwrite}, the same pages), and the tailer saw that header before this reads them, so the read returns
 * exactly what the map would; the caller checks every record's checksum either way. A read that cannot complete
 * (an interrupted thread, which would close the channel; a closed channel; an I/O error; a short file) returns
 * false and the caller copies through the map, which stays the reference path. The descriptor stays open on
 * the cycle file last read until the reader reads another file or closes, as the tailer keeps that file mapped:
 * a file a compaction deletes meanwhile keeps its blocks until then. One thread at a time.
 */
final class CycleFileReads implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CycleFileReads.class);

    private final int minBytes;
    private final CycleFileChannel channel = new CycleFileChannel(StandardOpenOption.READ);
    /**
     * Where the kernel copies to: made at the first large document (a reader that never meets one, as in W2, holds
     * none) and grown rarely after, since documents are bounded by the staging area or one large record.
     */
    private ByteBuffer direct;
    private final UnsafeBuffer directView = new UnsafeBuffer(0, 0);
    private long reads;

    /**
     * What a reader copies large documents out with: null when {@code minBytes} is 0 (every document through the
     * map) or off Linux (that pread sees what the map holds rests on Linux's one page cache for both).
     */
    static CycleFileReads forDocumentsOf(int minBytes) {
        return minBytes > 0 && OS.isLinux() ? new CycleFileReads(minBytes) : null;
    }

    /** @param minBytes documents of at least this many bytes are read from the file; smaller ones through the map */
    CycleFileReads(int minBytes) {
        if (minBytes < 1) {
            throw new IllegalArgumentException("smallest document read from the file must be >= 1 byte, got " + minBytes);
        }
        this.minBytes = minBytes;
    }

    /**
     * Copies {@code length} bytes at {@code position} of the cycle file behind {@code bytes} (a document's bytes
     * as the tailer presents them) into {@code dst} at 0; false if it did not, and the caller copies through the
     * map.
     */
    boolean read(Bytes<?> bytes, long position, UnsafeBuffer dst, int length) {
        if (length < minBytes || !(bytes instanceof MappedBytes mapped) || Thread.currentThread().isInterrupted()) {
            return false;
        }
        File cycleFile = mapped.mappedFile().file();
        try {
            FileChannel ch = channel.of(cycleFile);
            if (direct == null || direct.capacity() < length) {
                direct = ByteBuffer.allocateDirect(Math.max(64 * 1024, Integer.highestOneBit(length - 1) << 1));
                directView.wrap(direct);
            }
            ByteBuffer into = direct.clear().limit(length);
            long at = position;
            while (into.hasRemaining()) {
                int n = ch.read(into, at);
                if (n < 0) {
                    LOG.debug("{} ends before {} + {}; copying through the map", cycleFile, position, length);
                    return false;
                }
                at += n;
            }
            directView.getBytes(0, dst, 0, length);
            reads++;
            return true;
        } catch (ClosedChannelException e) {
            LOG.debug("reading {} through its descriptor: channel closed ({}); copying through the map", cycleFile, e.toString());
            channel.close();
            return false;
        } catch (IOException e) {
            LOG.debug("reading {} bytes at {} of {} failed ({}); copying through the map", length, position, cycleFile, e.toString());
            channel.close();
            return false;
        }
    }

    /** Documents read from the file (for tests). */
    long reads() {
        return reads;
    }

    @Override
    public void close() {
        channel.close();
    }
}
