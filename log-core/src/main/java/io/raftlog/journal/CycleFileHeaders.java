package io.raftlog.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.Wires;

/**
 * The first header of each cycle file, read straight from the files. Chronicle refuses a cycle file whose first
 * header is not a queue file's with a StreamCorruptedException ("Unexpected magic number ...") that names no
 * file, thrown undeclared from wherever it first acquired the file; this finds the file it meant. It also
 * finds the files that hold nothing Chronicle reads: empty ones, and ones whose first header was never
 * completed (a crash while the file was created leaves either; Chronicle passes over them, and may set one
 * aside as {@code *.discard} when a writer comes to it).
 */
final class CycleFileHeaders {
    /** Chronicle's bound on the length of a cycle file's first header (AbstractWire.readFirstHeader). */
    private static final int MAX_FIRST_HEADER_LENGTH = 64 * 1024;

    private CycleFileHeaders() {
    }

    /**
     * Why Chronicle could not read the journal in {@code dir}, naming the damaged file when a first header shows
     * which: "journal file F is damaged: ..."; null when no file's first header explains it.
     */
    static String damagedFile(Path dir) {
        for (Path file : cycleFiles(dir)) {
            int header = firstWord(file);
            if (Wires.isReady(header) && !(Wires.isReadyMetaData(header) && Wires.lengthOf(header) <= MAX_FIRST_HEADER_LENGTH)) {
                return "journal file " + file + " is damaged: it does not start with a queue file's header (first word 0x"
                    + Integer.toHexString(header) + ")";
            }
        }
        return null;
    }

    /** One line for each cycle file that holds nothing Chronicle reads (empty, or a header never completed). */
    static List<String> holdingNothing(Path dir) {
        List<String> found = new ArrayList<>();
        for (Path file : cycleFiles(dir)) {
            long size = size(file);
            if (size == 0) {
                found.add("journal file " + file + " is empty (0 bytes): it holds no entries (a crash as it was created"
                    + " leaves one; if entries were written to it, they are lost)");
            } else if (size >= Integer.BYTES && !Wires.isReady(firstWord(file))) {
                found.add("journal file " + file + " has no complete first header (first word 0x"
                    + Integer.toHexString(firstWord(file)) + "): nothing in it is read (a crash as it was created leaves one)");
            }
        }
        return found;
    }

    /** The cycle files in {@code dir}, in name (time) order; none if it cannot be listed. */
    private static List<Path> cycleFiles(Path dir) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SingleChronicleQueue.SUFFIX)) {
            ds.forEach(files::add);
        } catch (IOException e) {
            return List.of();
        }
        files.sort(null);
        return files;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The file's first four bytes as Chronicle reads a header (native order); 0 if it has fewer or cannot be read. */
    private static int firstWord(Path file) {
        ByteBuffer b = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
                // reads until four bytes or the end
            }
        } catch (IOException e) {
            return 0;
        }
        return b.hasRemaining() ? 0 : b.getInt(0);
    }
}
