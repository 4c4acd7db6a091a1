package io.raftlog.journal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.agrona.concurrent.UnsafeBuffer;

import io.raftlog.raft.EntryType;

/**
 * Payloads that name their own index, so a damage test can find an entry's bytes in a raw cycle file and
 * flip or cut exactly there, whatever the record and document layout around them.
 */
final class MarkedPayloads {
    static final String MARK = "entry-payload-";

    private MarkedPayloads() {
    }

    static byte[] payload(long index) {
        return (MARK + String.format("%06d", index) + "-abcdefghijklmnopqrstuvwxyz").getBytes(StandardCharsets.US_ASCII);
    }

    static void appendMarked(Journal journal, long index) {
        byte[] p = payload(index);
        journal.append(index, 1, EntryType.DATA, new UnsafeBuffer(p), 0, p.length);
    }

    /** Where the payload of {@code index} starts in the raw file bytes. */
    static long offsetOf(byte[] file, long index) {
        byte[] needle = (MARK + String.format("%06d", index)).getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + needle.length <= file.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (file[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("payload of " + index + " not found in the file");
    }

    /**
     * Makes a journal that was closed cleanly look like one whose process died after its last flush: the
     * files hold the same bytes either way, but only a clean close leaves a {@link CleanCloseSeal}, which
     * turns damage at the tail from a torn write into corruption.
     */
    static void forgetCleanClose(Path journalDir) throws IOException {
        Files.deleteIfExists(journalDir.resolve(CleanCloseSeal.FILE_NAME));
    }

    static void flipByteAt(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x5A);
        }
    }
}
