package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What this process has mapped of a journal's cycle file, read from Linux's {@code /proc/self/smaps}. */
final class MappedPages {
    private MappedPages() {
    }

    static boolean observable() {
        return Files.isReadable(Path.of("/proc/self/smaps"));
    }

    /**
     * Kilobytes dirtied through this process's mappings of files named {@code fileName}: Linux counts, per
     * mapping, the pages written through it and not yet written back ({@code Private_Dirty}/{@code Shared_Dirty}).
     */
    static long dirtyKilobytes(String fileName) throws IOException {
        long kb = 0;
        boolean inMapping = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                inMapping = line.endsWith(fileName);
            } else if (inMapping && (line.startsWith("Private_Dirty:") || line.startsWith("Shared_Dirty:"))) {
                kb += Long.parseLong(line.replaceAll("\\D", ""));
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
