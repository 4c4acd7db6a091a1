package io.raftlog.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.raftlog.journal.FileErrors;
import io.raftlog.journal.FsyncPolicy;
import io.raftlog.net.server.RaftServer;
import io.raftlog.net.server.ServerConfig;
import io.raftlog.net.server.Threading;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raftlog server}: runs one node until SIGTERM/SIGINT, when it stops taking input, lets the raft
 * thread finish, flushes the journal and exits 0. Settings come from the flags, or from a properties file
 * (--config) whose keys are the flag names without dashes; a flag overrides the file.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = {"Run one raftlog node until SIGTERM or Ctrl-C.",
        "Example: raftlog server --id 1 --cluster 1=127.0.0.1:7001,2=127.0.0.1:7002,3=127.0.0.1:7003 --data /var/lib/raftlog/1",
        "A --config file holds the same settings as properties (id=1, cluster=..., data=..., fsync=batch, ...)."})
public final class ServerCommand implements Callable<Integer> {

    @Option(names = "--id", paramLabel = "N", description = "this node's id, 1 to 65535 (its key in --cluster)")
    Integer id;

    @Option(names = "--cluster", paramLabel = "ID=HOST:PORT,...",
        description = "every member and the address others reach it at, this node included")
    String cluster;

    @Option(names = "--data", paramLabel = "DIR", description = "data directory (journal and hard state; created if missing)")
    Path data;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "address to bind (default: this node's --cluster entry)")
    String listen;

    @Option(names = "--advertise", paramLabel = "HOST:PORT",
        description = "address clients are sent to for this node when another redirects them (NOT_LEADER), if not its"
            + " --cluster entry (NAT, containers, a proxy in front of the peer port)")
    String advertise;

    @Option(names = "--fsync", paramLabel = "batch|interval:MS|none",
        description = "when an entry counts as durable (default: batch = fsync every batch before it counts)")
    String fsync;

    @Option(names = "--config", paramLabel = "FILE", description = "properties file with any of these settings")
    Path config;

    @Option(names = "--cluster-id", paramLabel = "N", description = "id every node and client must share (default 0)")
    Long clusterId;

    @Option(names = "--tick-ms", paramLabel = "MS", description = "Raft tick period (default 10)")
    Long tickMs;

    /** Set by LocalCluster (the demo, the tests): its nodes must not outlive it when it is killed with SIGKILL. */
    @Option(names = "--exit-with", paramLabel = "PID", hidden = true,
        description = "stop (cleanly, as on SIGTERM) when process PID ends")
    Long exitWith;

    @Option(names = "--election-ticks", paramLabel = "N", description = "election timeout in ticks, randomised up to 2x (default 30)")
    Integer electionTicks;

    @Option(names = "--heartbeat-ticks", paramLabel = "N", description = "leader heartbeat period in ticks (default 3)")
    Integer heartbeatTicks;

    @Option(names = "--wait-strategy", paramLabel = "NAME",
        description = "with --threading dedicated, how the raft thread waits: lite (default), phased, sleeping, blocking or yielding")
    String waitStrategy;

    @Option(names = "--threading", paramLabel = "MODE",
        description = "shared (default): the raft thread runs the network between batches; dedicated: the network has a thread of its own")
    String threading;

    @Option(names = "--retention", paramLabel = "TIME",
        description = "drop committed entries written longer ago than this, e.g. 7d or 12h, a whole hourly journal file"
            + " at a time (default: keep everything)")
    String retention;

    @Option(names = "--retention-bytes", paramLabel = "SIZE",
        description = "keep the journal's files within this size, e.g. 50GB, dropping the oldest (committed) file first;"
            + " the file being written always stays (default: no bound)")
    String retentionBytes;

    @Override
    public Integer call() throws Exception {
        quietLibraryLogging();
        ProcessHandle parent = null;
        if (exitWith != null) {
            parent = ProcessHandle.of(exitWith).filter(ProcessHandle::isAlive).orElseThrow(
                () -> new IllegalArgumentException("--exit-with: no running process " + exitWith));
        }
        Properties file = config == null ? new Properties() : load(config);
        ServerConfig.Builder b = ServerConfig.builder();
        b.nodeId(intSetting(id, file, "id", true));
        b.cluster(parsed("--cluster", stringSetting(cluster, file, "cluster", true), ServerConfig::parseCluster));
        b.dataDir(Path.of(stringSetting(data == null ? null : data.toString(), file, "data", true)));
        String listenAt = stringSetting(listen, file, "listen", false);
        if (listenAt != null) {
            b.listen(parsed("--listen", listenAt, ServerConfig::parseHostPort));
        }
        String advertiseAt = stringSetting(advertise, file, "advertise", false);
        if (advertiseAt != null) {
            b.advertise(parsed("--advertise", advertiseAt, ServerConfig::parseHostPort));
        }
        String policy = stringSetting(fsync, file, "fsync", false);
        FsyncPolicy fsyncPolicy = policy == null ? FsyncPolicy.BATCH : FsyncPolicy.parse(policy);
        b.fsync(fsyncPolicy);
        String cid = stringSetting(clusterId == null ? null : clusterId.toString(), file, "cluster-id", false);
        if (cid != null) {
            b.clusterId(parseLong(cid, "cluster-id"));
        }
        b.timing(longSetting(tickMs, file, "tick-ms", 10), intSetting(electionTicks, file, "election-ticks", 30),
            intSetting(heartbeatTicks, file, "heartbeat-ticks", 3));
        String ws = stringSetting(waitStrategy, file, "wait-strategy", false);
        if (ws != null) {
            b.waitStrategy(ws);
        }
        String th = stringSetting(threading, file, "threading", false);
        if (th != null) {
            b.threading(Threading.parse(th));
        }
        String keep = stringSetting(retention, file, "retention", false);
        if (keep != null) {
            b.retention(ClusterOption.duration(keep, "--retention"));
        }
        String keepBytes = stringSetting(retentionBytes, file, "retention-bytes", false);
        if (keepBytes != null) {
            b.retentionBytes(ByteSizes.parse(keepBytes, "--retention-bytes"));
        }
        ServerConfig c = b.build();

        RaftServer server = RaftServer.start(c);
        server.onHalt(cause -> new Thread(() -> {
            // Fail-stop: the node's state can no longer be trusted; exit so that a supervisor restarts it and
            // recovery starts from the journal. The shutdown hook still closes (flushes) what it can.
            System.err.println("raftlog server: node " + c.nodeId() + " halted after an internal failure: "
                + Cli.describe(cause) + "; exiting");
            System.exit(Cli.FAILURE);
        }, "raftlog-halt").start());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } finally {
                stopped.countDown();
            }
        }, "raftlog-shutdown"));
        if (parent != null) {
            long pid = parent.pid();
            parent.onExit().thenRun(() -> {
                System.err.println("raftlog server: process " + pid + " (--exit-with) ended; stopping");
                System.exit(Cli.OK); // the shutdown hook closes the node as on SIGTERM
            });
        }
        System.out.println("raftlog node " + c.nodeId() + " serving on " + ServerConfig.hostPort(server.boundAddress())
            + " (data " + c.dataDir() + ", fsync " + fsyncPolicy
            + (c.retention().isZero() ? "" : ", retention " + keep)
            + (c.retentionBytes() == 0 ? "" : ", retention-bytes " + keepBytes) + ")");
        System.out.flush();
        stopped.await();
        return Cli.OK;
    }

    /** {@code parse(text)}, its refusal naming the flag (the same setting in a --config file has the same name). */
    private static <T> T parsed(String flag, String text, java.util.function.Function<String, T> parse) {
        try {
            return parse.apply(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
        }
    }

    /** Chronicle logs every file mapping at INFO: keep the node's own lines (role changes) readable. */
    private static void quietLibraryLogging() {
        Cli.chronicleLogLevel("warn");
        Cli.setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        Cli.setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    }

    private static Properties load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("config file " + file + " does not exist or is not a file");
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config file " + file + ": " + FileErrors.why(file, e), e);
        }
        for (String key : p.stringPropertyNames()) {
            if (!KNOWN_KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown setting '" + key + "' in config file " + file
                    + " (known: " + KNOWN_KEYS + ")");
            }
        }
        return p;
    }

    private static final java.util.List<String> KNOWN_KEYS = java.util.List.of("id", "cluster", "data", "listen", "advertise",
        "fsync", "cluster-id", "tick-ms", "election-ticks", "heartbeat-ticks", "wait-strategy", "threading", "retention",
        "retention-bytes");

    private static String stringSetting(String flag, Properties file, String key, boolean required) {
        String v = flag != null ? flag : file.getProperty(key);
        if (v != null) {
            v = v.trim();
        }
        if ((v == null || v.isEmpty()) && required) {
            throw new IllegalArgumentException("missing --" + key + " (or " + key + "= in the --config file)");
        }
        return v == null || v.isEmpty() ? null : v;
    }

    private static int intSetting(Integer flag, Properties file, String key, boolean required) {
        return parseInt(stringSetting(flag == null ? null : flag.toString(), file, key, required), key);
    }

    private static int intSetting(Integer flag, Properties file, String key, int dflt) {
        String v = stringSetting(flag == null ? null : flag.toString(), file, key, false);
        return v == null ? dflt : parseInt(v, key);
    }

    /** An int setting, whole: a file's id=4294967297 was cut to 1 (picocli checks the flags' range itself). */
    private static int parseInt(String v, String key) {
        long n = parseLong(v, key);
        if (n != (int) n) {
            throw new IllegalArgumentException("bad " + key + " '" + v.trim() + "': out of range (at most " + Integer.MAX_VALUE + ")");
        }
        return (int) n;
    }

    private static long longSetting(Long flag, Properties file, String key, long dflt) {
        String v = stringSetting(flag == null ? null : flag.toString(), file, key, false);
        return v == null ? dflt : parseLong(v, key);
    }

    private static long parseLong(String v, String key) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad " + key + " '" + v + "': expected a whole number");
        }
    }
}
