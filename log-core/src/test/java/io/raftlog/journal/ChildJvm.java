package io.raftlog.journal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Starts a test class's main in a child JVM with this JVM's java, class path and flags (surefire's argLine,
 * so the Chronicle flags come along), and collects its stdout lines as they arrive.
 */
final class ChildJvm implements AutoCloseable {
    final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread pump;

    private ChildJvm(Process process) {
        this.process = process;
        this.pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the child died mid-line: what was read so far is what it said
            }
        }, "child-stdout");
        pump.setDaemon(true);
        pump.start();
    }

    /** {@code jvmFlagFilter} decides which of this JVM's flags the child inherits. */
    static ChildJvm start(Class<?> main, Path stderr, Predicate<String> jvmFlagFilter, List<String> extraFlags, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!flag.startsWith("-agentlib:jdwp") && jvmFlagFilter.test(flag)) {
                cmd.add(flag);
            }
        }
        cmd.addAll(extraFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        try {
            return new ChildJvm(new ProcessBuilder(cmd).redirectError(stderr.toFile()).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start child JVM " + cmd, e);
        }
    }

    static ChildJvm start(Class<?> main, Path stderr, String... args) {
        return start(main, stderr, flag -> true, List.of(), args);
    }

    /** Waits until a line matching {@code p} arrived; false if the child exited or the deadline passed first. */
    boolean awaitLine(Predicate<String> p, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        synchronized (lines) {
            int seen = 0;
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (p.test(lines.get(seen))) {
                        return true;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !pump.isAlive())) {
                    return false;
                }
                lines.wait(Math.max(1, Math.min(left / 1_000_000L, 50)));
            }
        }
    }

    /** Kills the child with SIGKILL (no shutdown hooks, no flush) and returns everything it printed. */
    List<String> kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        pump.join(10_000);
        return lines();
    }

    /** Waits for a normal exit and returns everything printed. */
    List<String> awaitExit(long timeoutMillis) throws InterruptedException {
        if (!process.waitFor(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child did not exit within " + timeoutMillis + " ms; it printed " + lines());
        }
        pump.join(10_000);
        return lines();
    }

    List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    static String readQuietly(Path p) {
        try {
            return java.nio.file.Files.exists(p) ? java.nio.file.Files.readString(p) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
