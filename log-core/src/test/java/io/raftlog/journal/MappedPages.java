package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What this process has mapped of a journal's cycle file, read from Linux's {@code /proc/self/smaps}. */
final class MappedPages {
    static final int PAGE = 4096;

    private MappedPages() {
    }

    /**
     * Whether files in {@code dir} show their dirty pages here: Linux's smaps, and a file system that writes
     * back (on tmpfs a page stays dirty whatever is forced, so nothing about write-back can be seen).
     */
    static boolean observable(Path dir) throws IOException {
        return Files.isReadable(Path.of("/proc/self/smaps")) && !"tmpfs".equals(Files.getFileStore(dir).type());
    }

    /**
     * Kilobytes dirtied through this process's mappings of files named {@code fileName}: Linux counts, per
     * mapping, the pages written through it and not yet written back ({@code Private_Dirty}/{@code Shared_Dirty}).
     */
    static long dirtyKilobytes(String fileName) throws IOException {
        return sumKilobytes(fileName, "Private_Dirty:", "Shared_Dirty:");
    }

    /**
     * Kilobytes of files named {@code fileName} that this process's page tables map ({@code Rss}). Unlike the
     * dirty count this does not change when the kernel writes pages back, only when a mapping lets go of them.
     */
    static long residentKilobytes(String fileName) throws IOException {
        return sumKilobytes(fileName, "Rss:");
    }

    /**
     * How many 4 KiB pages of {@code [from, to)} of {@code file} are in the page cache, mapped by anyone or not
     * ({@code mincore} through {@link MappedByteBuffer#isLoaded}, which does not fault pages in).
     */
    static int cachedPages(File file, long from, long to) throws IOException {
        try (FileChannel ch = FileChannel.open(file.toPath(), StandardOpenOption.READ)) {
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, from, to - from);
            int cached = 0;
            for (int at = 0; at < to - from; at += PAGE) {
                if (map.slice(at, PAGE).isLoaded()) {
                    cached++;
                }
            }
            return cached;
        }
    }

    private static long sumKilobytes(String fileName, String... fields) throws IOException {
        long kb = 0;
        boolean inMapping = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                inMapping = line.endsWith(fileName);
            } else if (inMapping) {
                for (String field : fields) {
                    if (line.startsWith(field)) {
                        kb += Long.parseLong(line.replaceAll("\\D", ""));
                    }
                }
            }
        }
        return kb;
    }

    /** The name of the journal's only cycle file. */
    static String onlyCycleFile(Path journalDir) throws IOException {
        try (Stream<Path> s = Files.list(journalDir)) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".cq4")).toList();
            assertThat(files).hasSize(1);
            return files.get(0).getFileName().toString();
        }
    }
}
