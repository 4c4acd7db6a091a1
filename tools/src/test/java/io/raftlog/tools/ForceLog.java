package io.raftlog.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The forces a process made, as {@code src/test/c/forcelog.c} records them: that library, preloaded into a
 * server, logs each fsync and fdatasync with its start and end time (System.nanoTime's clock) and the file.
 */
final class ForceLog {
    /** Where the preload library looks for the log's name. */
    static final String LOG_VARIABLE = "RAFTLOG_FORCE_LOG";
    private static final Path SOURCE = Path.of("src", "test", "c", "forcelog.c");

    /** One call: {@code path} is what the descriptor named; {@code result} what the call returned. */
    record Force(long pid, long startNanos, long endNanos, String call, int result, String path) {
        static Force parse(String line) {
            String[] f = line.split(" ", 6);
            if (f.length != 6) {
                throw new IllegalArgumentException("not a force log line: " + line);
            }
            return new Force(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), f[3], Integer.parseInt(f[4]), f[5]);
        }

        boolean succeededWithin(long fromNanos, long toNanos) {
            return result == 0 && startNanos >= fromNanos && endNanos <= toNanos;
        }
    }

    private ForceLog() {
    }

    /**
     * Compiles the preload library into {@code dir}. Skips the calling test where that cannot be done: no
     * gcc on the PATH, or not Linux (preloading and /proc/self/fd are Linux's).
     */
    static Path buildLibrary(Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "the force log needs Linux's LD_PRELOAD");
        Path library = dir.resolve("libforcelog.so");
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-O2", "-o", library.toString(), SOURCE.toString(), "-ldl")
                .redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("the force log needs gcc to build " + SOURCE + ": " + e.getMessage());
            throw e;
        }
        String out = new String(gcc.getInputStream().readAllBytes());
        if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
            throw new IllegalStateException("gcc could not build " + SOURCE + ": " + out);
        }
        return library;
    }

    static List<Force> read(Path log) throws IOException {
        List<Force> out = new ArrayList<>();
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log)) {
                if (!line.isBlank()) {
                    out.add(Force.parse(line));
                }
            }
        }
        return out;
    }
}
