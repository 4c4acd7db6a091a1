package io.raftlog.tools;

import io.raftlog.bench.FileTrees;
import io.raftlog.net.client.NodeAddress;
import io.raftlog.net.server.LoopbackPorts;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Three (or n) {@code raftlog server} processes on free loopback ports, each with its own data directory
 * and log file under one base directory: what {@code raftlog demo} runs and what the integration tests
 * start, kill -9 and restart. The servers run {@code java -jar} of the raftlog jar; the JVM flags Chronicle
 * needs come from that jar's manifest.
 */
public final class LocalCluster implements AutoCloseable {
    private final Path jar;
    private final Path baseDir;
    private final boolean deleteOnClose;
    private final List<NodeAddress> addresses = new ArrayList<>();
    /** Once closed, no node starts again (see start). */
    private boolean closed;
    private final Process[] processes;
    private final List<String> jvmArgs;
    private final List<String> extraServerArgs;
    private final Map<String, String> environment;

    private LocalCluster(Path jar, Path baseDir, boolean deleteOnClose, int nodes, List<String> jvmArgs,
                         List<String> extraServerArgs, Map<String, String> environment) {
        this.jar = jar;
        this.environment = Map.copyOf(environment);
        this.jvmArgs = List.copyOf(jvmArgs);
        this.baseDir = baseDir;
        this.deleteOnClose = deleteOnClose;
        this.processes = new Process[nodes];
        this.extraServerArgs = List.copyOf(extraServerArgs);
        for (int port : LoopbackPorts.free(nodes)) {
            addresses.add(new NodeAddress("127.0.0.1", port));
        }
    }

    /** Starts {@code nodes} servers in {@code baseDir} (created when missing; deleted on close if asked). */
    public static LocalCluster start(Path jar, Path baseDir, boolean deleteOnClose, int nodes, List<String> extraServerArgs)
        throws IOException {
        return start(jar, baseDir, deleteOnClose, nodes, List.of(), extraServerArgs);
    }

    /** The same, with {@code jvmArgs} (such as {@code -Dname=value}) given to every node's JVM. */
    public static LocalCluster start(Path jar, Path baseDir, boolean deleteOnClose, int nodes, List<String> jvmArgs,
                                     List<String> extraServerArgs) throws IOException {
        return start(jar, baseDir, deleteOnClose, nodes, jvmArgs, extraServerArgs, Map.of());
    }

    /** The same, with variables added to every node's environment (a test's {@code LD_PRELOAD}, say). */
    public static LocalCluster start(Path jar, Path baseDir, boolean deleteOnClose, int nodes, List<String> jvmArgs,
                                     List<String> extraServerArgs, Map<String, String> environment) throws IOException {
        Files.createDirectories(baseDir);
        LocalCluster c = new LocalCluster(jar, baseDir, deleteOnClose, nodes, jvmArgs, extraServerArgs, environment);
        try {
            for (int id = 1; id <= nodes; id++) {
                c.start(id);
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** The jar this code runs from, else the {@code raftlog.jar} system property (tests run from classes). */
    public static Path findJar() {
        try {
            var src = Main.class.getProtectionDomain().getCodeSource();
            if (src != null) {
                Path p = Path.of(src.getLocation().toURI());
                if (Files.isRegularFile(p) && p.toString().endsWith(".jar")) {
                    return p;
                }
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            // fall through to the property
        }
        String prop = System.getProperty("raftlog.jar");
        if (prop != null && Files.isRegularFile(Path.of(prop))) {
            return Path.of(prop);
        }
        throw new IllegalStateException("cannot find the raftlog jar to start servers from (not running from a jar"
            + " and -Draftlog.jar is " + (prop == null ? "unset" : "'" + prop + "', not a file") + ")");
    }

    public int size() {
        return processes.length;
    }

    public List<NodeAddress> addresses() {
        return List.copyOf(addresses);
    }

    /** {@code host:port,...} for --cluster of produce/tail/status. */
    public String clientCluster() {
        return NodeAddress.join(addresses);
    }

    /** {@code 1=host:port,...} for --cluster of server. */
    public String serverCluster() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < addresses.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(i + 1).append('=').append(addresses.get(i));
        }
        return sb.toString();
    }

    public NodeAddress address(int id) {
        return addresses.get(id - 1);
    }

    /** The node id listening at {@code address}, or -1. */
    public int idOf(NodeAddress address) {
        int i = addresses.indexOf(address);
        return i < 0 ? -1 : i + 1;
    }

    public Path dataDir(int id) {
        return baseDir.resolve("node-" + id);
    }

    public Path logFile(int id) {
        return baseDir.resolve("node-" + id + ".log");
    }

    public boolean isAlive(int id) {
        Process p = processes[id - 1];
        return p != null && p.isAlive();
    }

    /** Starts node {@code id} (again), appending its output to its log file. */
    public synchronized void start(int id) throws IOException {
        if (closed) {
            // A Ctrl-C's shutdown hook closed the cluster while the demo went on: a node started now would
            // recreate the deleted directory and outlive the demo (it got no signal).
            throw new IllegalStateException("the local cluster in " + baseDir + " was closed");
        }
        if (isAlive(id)) {
            throw new IllegalStateException("node " + id + " is already running");
        }
        Files.createDirectories(dataDir(id));
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.add("-Xmx512m");
        // Client connections' buffers are direct memory, capped at the heap's size unless set: 1 GiB lets a
        // demo node take 60 clients (docs/ARCHITECTURE.md, the transport's connection limit).
        cmd.add("-XX:MaxDirectMemorySize=1g");
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.add("server");
        cmd.add("--id");
        cmd.add(Integer.toString(id));
        cmd.add("--cluster");
        cmd.add(serverCluster());
        cmd.add("--data");
        cmd.add(dataDir(id).toString());
        // A node stops when this process ends, however it ends: a demo or test killed with SIGKILL runs no
        // shutdown hook, and its nodes would otherwise serve on for good.
        cmd.add("--exit-with");
        cmd.add(Long.toString(ProcessHandle.current().pid()));
        cmd.addAll(extraServerArgs);
        File log = logFile(id).toFile();
        ProcessBuilder builder = new ProcessBuilder(cmd);
        builder.environment().putAll(environment);
        processes[id - 1] = builder
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
            .start();
    }

    /** SIGKILL: the node gets no chance to flush or close anything. Waits until the process is gone. */
    public synchronized void kill(int id) throws InterruptedException {
        Process p = processes[id - 1];
        if (p != null) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM and wait (graceful shutdown), then SIGKILL if it did not stop in time. */
    public synchronized void stop(int id) throws InterruptedException {
        Process p = processes[id - 1];
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** SIGTERM to every node at once, then waits for all (SIGKILL for any still running after 10 s). */
    public synchronized void stopAll() throws InterruptedException {
        for (Process p : processes) {
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Process p : processes) {
            if (p != null && !p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** SIGSTOP: the node keeps its sockets open but answers nothing (a hung process). */
    public void pause(int id) throws IOException, InterruptedException {
        signal(id, "STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume(int id) throws IOException, InterruptedException {
        signal(id, "CONT");
    }

    private synchronized void signal(int id, String signal) throws IOException, InterruptedException {
        Process p = processes[id - 1];
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("node " + id + " is not running");
        }
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + signal + " " + p.pid() + " failed");
        }
    }

    /** Last lines of a node's log, for error messages when something does not come up. */
    public String tailOfLog(int id, int lines) {
        try {
            List<String> all = Files.readAllLines(logFile(id));
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Process p : processes) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
        for (Process p : processes) {
            if (p != null) {
                try {
                    p.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (deleteOnClose) {
            FileTrees.deleteOrWarn(baseDir, "raftlog");
        }
    }

    static String javaExecutable() {
        return ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
