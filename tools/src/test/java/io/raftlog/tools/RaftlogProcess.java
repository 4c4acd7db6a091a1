package io.raftlog.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A {@code raftlog} command run as its own process from the built jar, as a user runs it: its stdout and
 * stderr lines are collected as they come (so a test can watch a pipe in real time), and its exit status.
 */
final class RaftlogProcess implements AutoCloseable {
    private final Process process;
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();
    private final Thread outReader;
    private final Thread errReader;

    private RaftlogProcess(Process process, boolean readOut) {
        this.process = process;
        this.outReader = readOut ? pump(process.getInputStream(), out) : null;
        this.errReader = pump(process.getErrorStream(), err);
    }

    static Path jar() {
        String p = System.getProperty("raftlog.jar");
        if (p == null) {
            throw new IllegalStateException("system property raftlog.jar is not set (run the ITs through failsafe)");
        }
        return Path.of(p);
    }

    static RaftlogProcess start(String... args) throws IOException {
        return start(true, args);
    }

    /** As {@link #start}, with standard output a pipe nobody reads: once it is full, the command's writes block. */
    static RaftlogProcess startWithOutputUnread(String... args) throws IOException {
        return start(false, args);
    }

    private static RaftlogProcess start(boolean readOut, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(LocalCluster.javaExecutable(), "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        return new RaftlogProcess(new ProcessBuilder(cmd).start(), readOut);
    }

    /** Bytes waiting in the unread standard output pipe (see {@link #startWithOutputUnread}). */
    int unreadOutputBytes() {
        try {
            return process.getInputStream().available();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * SIGTERM, as a user's kill or a supervisor's stop; false if the process is still running after {@code seconds}.
     * Through the process handle: Process.destroy also closes this side of the pipes, which would end a write the
     * command is blocked in.
     */
    boolean terminate(long seconds) throws InterruptedException {
        process.toHandle().destroy();
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    /** Runs to completion (killed after {@code timeoutSeconds}) and returns the finished process. */
    static RaftlogProcess run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        RaftlogProcess p = start(args);
        p.process.getOutputStream().close();
        p.await(timeoutSeconds);
        return p;
    }

    private static Thread pump(InputStream in, List<String> lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits for the exit (killing the process at the timeout) and for its output to be read; returns the status. */
    int await(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("raftlog process did not finish within " + timeoutSeconds + " s; stderr: " + err);
        }
        if (outReader != null) {
            outReader.join(10_000);
        }
        errReader.join(10_000);
        return process.exitValue();
    }

    /** Writes {@code text} to the process's stdin and closes it. */
    void input(String text) throws IOException {
        try (var in = process.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Writes {@code text} to the process's stdin and flushes it, leaving stdin open for more. */
    void write(String text) throws IOException {
        var in = process.getOutputStream();
        in.write(text.getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Closes the process's stdin: the end of its input. */
    void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    int exitCode() {
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    List<String> out() {
        return out;
    }

    List<String> err() {
        return err;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
