package io.raftlog.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One {@code raftlog server} process of the fault suite: started with a fixed command line, its output
 * appended to one log file across restarts, killed with SIGKILL, frozen with SIGSTOP and thawed with
 * SIGCONT (through the {@code kill} command: Java can send only TERM and KILL itself).
 */
final class NodeProcess {
    private final int id;
    private final List<String> command;
    private final Path logFile;
    private Process process;
    private long logOffsetAtStart;
    private boolean frozen;
    private int starts;

    NodeProcess(int id, List<String> command, Path logFile) {
        this.id = id;
        this.command = List.copyOf(command);
        this.logFile = logFile;
    }

    int id() {
        return id;
    }

    Path logFile() {
        return logFile;
    }

    synchronized int starts() {
        return starts;
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    synchronized boolean frozen() {
        return frozen;
    }

    synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Starts the process if it is not running; its output is appended to the log file. */
    synchronized void start() {
        if (alive()) {
            return;
        }
        try {
            Files.createDirectories(logFile.getParent());
            logOffsetAtStart = Files.exists(logFile) ? Files.size(logFile) : 0;
            Files.writeString(logFile, "---- fault suite " + java.time.LocalTime.now() + ": start #" + (starts + 1) + " of node " + id + ": "
                + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            logOffsetAtStart = Files.size(logFile);
            process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
            frozen = false;
            starts++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + id + ": " + e.getMessage(), e);
        }
    }

    /** SIGKILL, and wait until the process is gone (its ports and files are released). */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("node " + id + " (pid " + process.pid() + ") survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        frozen = false;
    }

    /** SIGTERM, then SIGKILL if it did not exit in time. */
    synchronized void stop(Duration grace) {
        if (!alive()) {
            return;
        }
        if (frozen) {
            thaw();
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    synchronized void freeze() {
        if (alive() && !frozen) {
            signal("STOP");
            frozen = true;
        }
    }

    synchronized void thaw() {
        if (alive() && frozen) {
            signal("CONT");
            frozen = false;
        }
    }

    private void signal(String sig) {
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).redirectErrorStream(true).start();
            if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
                throw new IllegalStateException("kill -" + sig + " " + process.pid() + " failed: "
                    + new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + sig, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the output of the current incarnation has a line matching {@code ready}. */
    boolean printed(Predicate<String> ready) {
        long from;
        synchronized (this) {
            from = logOffsetAtStart;
        }
        try {
            byte[] all = Files.readAllBytes(logFile);
            if (all.length <= from) {
                return false;
            }
            String out = new String(all, (int) from, (int) (all.length - from), StandardCharsets.UTF_8);
            return out.lines().anyMatch(ready);
        } catch (IOException e) {
            return false;
        }
    }

    /** The last lines of the log file, for error messages. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
