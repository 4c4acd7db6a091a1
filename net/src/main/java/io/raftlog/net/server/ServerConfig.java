package io.raftlog.net.server;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import io.raftlog.journal.FsyncPolicy;
import io.raftlog.journal.JournalOptions;
import io.raftlog.net.client.NodeAddress;
import io.raftlog.net.codec.LeaderHintFrame;
import io.raftlog.pipeline.PipelineConfig;
import io.raftlog.pipeline.Retention;
import io.raftlog.pipeline.WaitStrategies;
import io.raftlog.raft.RaftConfig;

/**
 * Everything one node needs to start: who it is, who its peers are, where it keeps its data and how it
 * times and bounds its work. Built by {@link #builder}; {@link Builder#build} checks it and names the
 * first thing that is wrong (an IllegalArgumentException, which the command line turns into exit 2).
 */
public final class ServerConfig {
    /**
     * The largest node id. The wire carries ids as int32, but a node keeps tables indexed by id (a peer's
     * connection, a member's address) sized by the largest id in its cluster, so ids are kept small: an id of
     * 2^31-1 overflowed the table size, and 10^8 took gigabytes. 65535 also keeps the id within the 16 bits the
     * election seed gives it.
     */
    public static final int MAX_NODE_ID = 65_535;

    private final int nodeId;
    private final Map<Integer, InetSocketAddress> cluster;
    private final InetSocketAddress listen;
    private final InetSocketAddress advertise;
    private final Path dataDir;
    private final FsyncPolicy fsync;
    private final long clusterId;
    private final long tickMillis;
    private final int electionTicks;
    private final int heartbeatTicks;
    private final String waitStrategy;
    private final Threading threading;
    private final long seed;
    private final Duration retention;
    private final long retentionBytes;
    private final JournalOptions journalOptions;

    private ServerConfig(Builder b, InetSocketAddress listen) {
        this.nodeId = b.nodeId;
        this.cluster = Collections.unmodifiableMap(new TreeMap<>(b.cluster));
        this.listen = listen;
        this.advertise = b.advertise;
        this.dataDir = b.dataDir;
        this.fsync = b.fsync;
        this.clusterId = b.clusterId;
        this.tickMillis = b.tickMillis;
        this.electionTicks = b.electionTicks;
        this.heartbeatTicks = b.heartbeatTicks;
        this.waitStrategy = b.waitStrategy;
        this.threading = b.threading;
        this.seed = b.seed != null ? b.seed : System.nanoTime() ^ ((long) b.nodeId << 48);
        this.retention = b.retention;
        this.retentionBytes = b.retentionBytes;
        this.journalOptions = b.journalOptions;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int nodeId() {
        return nodeId;
    }

    /**
     * Every member's id and the address others reach it at (peers and clients alike), ascending by id. Addresses
     * parsed from text keep their host names unresolved: a node looks a peer up at every connection attempt.
     */
    public Map<Integer, InetSocketAddress> cluster() {
        return cluster;
    }

    /** The address this node binds (its cluster entry unless overridden), resolved. */
    public InetSocketAddress listen() {
        return listen;
    }

    /**
     * The address clients are told to reach this node at when another node redirects them here (NOT_LEADER), as
     * when peers and clients reach the node by different names (NAT, containers, a proxy in front of the peer port);
     * null when not given: each peer then names this node by its own cluster entry for it (entries may differ from
     * node to node). Passed to the peers in a LEADER_HINT when a connection to them opens.
     */
    public InetSocketAddress advertise() {
        return advertise;
    }

    public Path dataDir() {
        return dataDir;
    }

    public FsyncPolicy fsync() {
        return fsync;
    }

    public long clusterId() {
        return clusterId;
    }

    public long tickMillis() {
        return tickMillis;
    }

    /**
     * How long this node may know no leader before its caught-up following fetches end with NO_LEADER: three
     * election timeouts (as etcd ends watches that require a leader), well past an ordinary election, which
     * ends within two of them unless votes split. A follower whose leader fell silent counts from when it
     * notices (its own election timeout, one to two of them later), a leader from its CheckQuorum step-down.
     */
    public Duration noLeaderLimit() {
        return Duration.ofMillis(3 * electionTicks * tickMillis);
    }

    /** How long committed entries are kept; {@link Duration#ZERO}: forever. */
    public Duration retention() {
        return retention;
    }

    /** How many bytes of journal files to keep at most (whole files, oldest dropped first); 0: no bound. */
    public long retentionBytes() {
        return retentionBytes;
    }

    public JournalOptions journalOptions() {
        return journalOptions;
    }

    public int[] members() {
        return cluster.keySet().stream().mapToInt(Integer::intValue).toArray();
    }

    public RaftConfig raftConfig() {
        // 128 KiB per AppendEntries (~800 entries of 128 bytes) and 16 in flight: at most 2 MiB per
        // follower in flight, half of a connection's outbound ring, so pipelining alone never fills the ring
        // (a full ring drops messages, which Raft survives but pays for with probes and timeouts).
        return RaftConfig.defaults(nodeId, members(), seed)
            .withTicks(electionTicks, heartbeatTicks)
            .withReplicationBounds(16, 4096, 128 * 1024);
    }

    public Threading threading() {
        return threading;
    }

    public PipelineConfig pipelineConfig() {
        return PipelineConfig.defaults().withTickMillis(tickMillis).withWaitStrategy(waitStrategy)
            .withRetention(new Retention(retention.toMillis(), retentionBytes));
    }

    @Override
    public String toString() {
        return "node " + nodeId + " cluster " + formatCluster(cluster) + " listen " + hostPort(listen)
            + (advertise == null ? "" : " advertise " + hostPort(advertise)) + " data "
            + dataDir + " fsync " + fsync + " tick " + tickMillis + "ms election " + electionTicks + " heartbeat "
            + heartbeatTicks + (retention.isZero() ? "" : " retention " + retention)
            + (retentionBytes == 0 ? "" : " retention-bytes " + retentionBytes);
    }

    /** {@code host:port}, an IPv6 literal in brackets, so that {@link #parseHostPort} and clients read it back. */
    public static String hostPort(InetSocketAddress a) {
        String host = a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    public static String formatCluster(Map<Integer, InetSocketAddress> cluster) {
        StringBuilder sb = new StringBuilder();
        cluster.forEach((id, a) -> sb.append(sb.length() == 0 ? "" : ",").append(id).append('=').append(hostPort(a)));
        return sb.toString();
    }

    /** Parses {@code 1=host:port,2=host:port,...}; the message names the entry that is wrong. */
    public static Map<Integer, InetSocketAddress> parseCluster(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty cluster: expected ID=HOST:PORT,... e.g. 1=127.0.0.1:7001");
        }
        Map<Integer, InetSocketAddress> out = new LinkedHashMap<>();
        Map<String, Integer> idByAddress = new HashMap<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("bad cluster entry '" + p + "': expected ID=HOST:PORT");
            }
            int id;
            try {
                id = Integer.parseInt(p.substring(0, eq).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad node id in cluster entry '" + p + "'");
            }
            if (id < 1 || id > MAX_NODE_ID) {
                throw new IllegalArgumentException("node id " + id + " in cluster entry '" + p + "' is out of range: ids run"
                    + " from 1 to " + MAX_NODE_ID);
            }
            InetSocketAddress address = parseHostPort(p.substring(eq + 1).trim());
            if (hostPort(address).length() > LeaderHintFrame.MAX_ADDRESS_LENGTH) {
                // A NOT_LEADER carries at most that many characters: cut, it would name another port.
                throw new IllegalArgumentException("address in cluster entry '" + p + "' is longer than "
                    + LeaderHintFrame.MAX_ADDRESS_LENGTH + " characters");
            }
            if (out.put(id, address) != null) {
                throw new IllegalArgumentException("node id " + id + " appears twice in the cluster");
            }
            // Two members at one address: each node's peer connection to the other reaches itself. Only the same
            // spelling is caught (two names of one host are not looked up here).
            Integer other = idByAddress.putIfAbsent(hostPort(address).toLowerCase(Locale.ROOT), id);
            if (other != null) {
                throw new IllegalArgumentException("address " + hostPort(address) + " appears twice in the cluster (nodes "
                    + other + " and " + id + ")");
            }
        }
        return out;
    }

    /**
     * Parses {@code host:port}. An IP address is taken as it is (no lookup). A host name is kept unresolved and
     * looked up when used: a peer's at every connection attempt, so a name that resolves only later still
     * reaches it; the node's own listen address when the configuration is built.
     */
    public static InetSocketAddress parseHostPort(String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("bad address '" + text + "': expected HOST:PORT");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in address '" + text + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range in address '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String bad = NodeAddress.whyNotAHost(host);
        if (bad != null) {
            throw new IllegalArgumentException("bad address '" + text + "': expected HOST:PORT (" + bad + ")");
        }
        if (isIpLiteral(host)) {
            return new InetSocketAddress(host, port); // parsed, not looked up (no DNS for a literal address)
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /**
     * A dotted IPv4 address, or an IPv6 one (a host with a colon that {@link NodeAddress#whyNotAHost} let pass);
     * anything else is a host name.
     */
    private static boolean isIpLiteral(String host) {
        if (host.contains(":")) {
            return true;
        }
        if (!host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return false;
        }
        // 300.1.1.1 is no address: taken for one, InetSocketAddress would look it up by DNS where it is parsed (a
        // transport thread checking a peer's advertised address, found in review). A name, looked up when used.
        for (String octet : host.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    /** An address clients can be sent to: at most 255 characters (a LEADER_HINT's limit), not a wildcard, a port. */
    static void checkAdvertised(InetSocketAddress a) {
        String text = hostPort(a);
        if (text.length() > LeaderHintFrame.MAX_ADDRESS_LENGTH) {
            throw new IllegalArgumentException("advertised address " + text + " is longer than "
                + LeaderHintFrame.MAX_ADDRESS_LENGTH + " characters");
        }
        if (a.getPort() == 0) {
            throw new IllegalArgumentException("advertised address " + text + " has port 0: clients need the port to connect to");
        }
        if (a.isUnresolved() && a.getHostString().matches("[0-9.]+")) {
            // Not a dotted quad, yet a resolver reads "0" as 0.0.0.0 and "10.1" as 10.0.0.1: clients would be sent
            // to their own host, or who knows where (found in review: 0:7001 passed for an address).
            throw new IllegalArgumentException("advertised address " + text + " is neither an IP address nor a host name");
        }
        if (!a.isUnresolved() && a.getAddress().isAnyLocalAddress()) {
            throw new IllegalArgumentException("advertised address " + text + " is a wildcard: clients need an address"
                + " that reaches this node");
        }
    }

    public static final class Builder {
        private int nodeId;
        private Map<Integer, InetSocketAddress> cluster = Map.of();
        private InetSocketAddress listen;
        private InetSocketAddress advertise;
        private Path dataDir;
        private FsyncPolicy fsync = FsyncPolicy.BATCH;
        private long clusterId;
        private long tickMillis = 10;
        // 300-600 ms elections: three nodes, their clients and JIT warm-up share two cores here, and at
        // 150-300 ms a busy leader's heartbeats were late often enough to cause needless elections.
        private int electionTicks = 30;
        private int heartbeatTicks = 3;
        private String waitStrategy = WaitStrategies.DEFAULT;
        private Threading threading = Threading.DEFAULT;
        private Long seed;
        private Duration retention = Duration.ZERO;
        private long retentionBytes;
        private JournalOptions journalOptions = JournalOptions.defaults();

        public Builder nodeId(int id) {
            this.nodeId = id;
            return this;
        }

        public Builder cluster(Map<Integer, InetSocketAddress> members) {
            this.cluster = new LinkedHashMap<>(members);
            return this;
        }

        public Builder cluster(String text) {
            return cluster(parseCluster(text));
        }

        public Builder listen(InetSocketAddress address) {
            this.listen = address;
            return this;
        }

        /** The address clients are sent to for this node (see {@link ServerConfig#advertise()}); null: each peer's entry. */
        public Builder advertise(InetSocketAddress address) {
            this.advertise = address;
            return this;
        }

        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public Builder fsync(FsyncPolicy policy) {
            this.fsync = policy;
            return this;
        }

        public Builder clusterId(long id) {
            this.clusterId = id;
            return this;
        }

        /** Tick period and the election / heartbeat timeouts in ticks. */
        public Builder timing(long tickMs, int election, int heartbeat) {
            this.tickMillis = tickMs;
            this.electionTicks = election;
            this.heartbeatTicks = heartbeat;
            return this;
        }

        public Builder waitStrategy(String name) {
            this.waitStrategy = name;
            return this;
        }

        /** Whether the network has a thread of its own or runs on the raft thread, see {@link Threading}. */
        public Builder threading(Threading t) {
            this.threading = Objects.requireNonNull(t, "threading");
            return this;
        }

        /** Seed of the election-timeout randomness (tests); default: from the clock and the node id. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * Committed entries written longer ago than this are dropped, a whole journal file (an hour of writes)
         * at a time, as Kafka's {@code retention.ms} drops whole segments; zero (the default) keeps everything.
         */
        public Builder retention(Duration keep) {
            this.retention = Objects.requireNonNull(keep, "retention");
            return this;
        }

        /**
         * The journal's files are kept within this many bytes: the oldest go (whole files, committed entries only,
         * never the file being written), as Kafka's {@code retention.bytes}; 0 (the default): no bound.
         */
        public Builder retentionBytes(long bytes) {
            this.retentionBytes = bytes;
            return this;
        }

        /** How the journal is built (tests: a roll cycle of seconds and a clock of their own). */
        public Builder journalOptions(JournalOptions options) {
            this.journalOptions = Objects.requireNonNull(options, "journalOptions");
            return this;
        }

        /** The address to bind, looked up now: a node that cannot listen where it was told is a usage error. */
        private InetSocketAddress resolvedListen() {
            InetSocketAddress a = listen != null ? listen : cluster.get(nodeId);
            if (!a.isUnresolved()) {
                return a;
            }
            InetSocketAddress resolved = new InetSocketAddress(a.getHostString(), a.getPort());
            if (resolved.isUnresolved()) {
                throw new IllegalArgumentException("cannot resolve host '" + a.getHostString() + "' of "
                    + (listen != null ? "the listen address " + hostPort(a) : "this node's cluster entry " + nodeId + "=" + hostPort(a))
                    + ": a node must be able to bind the address it listens on");
            }
            return resolved;
        }

        public ServerConfig build() {
            if (cluster.isEmpty()) {
                throw new IllegalArgumentException("no cluster given: expected ID=HOST:PORT,...");
            }
            for (int id : cluster.keySet()) {
                if (id < 1 || id > MAX_NODE_ID) {
                    throw new IllegalArgumentException("node id " + id + " is out of range: ids run from 1 to " + MAX_NODE_ID);
                }
            }
            if (!cluster.containsKey(nodeId)) {
                throw new IllegalArgumentException("node id " + nodeId + " is not in the cluster "
                    + formatCluster(new TreeMap<>(cluster)) + " (ids: " + Arrays.toString(cluster.keySet().toArray()) + ")");
            }
            if (dataDir == null) {
                throw new IllegalArgumentException("no data directory given");
            }
            if (advertise != null) {
                checkAdvertised(advertise);
            }
            if (tickMillis < 1) {
                throw new IllegalArgumentException("tick period must be >= 1 ms, got " + tickMillis);
            }
            ServerConfig c = new ServerConfig(this, resolvedListen());
            c.raftConfig(); // checks the tick counts, naming what is wrong
            c.pipelineConfig(); // checks the wait strategy and the retention
            if (threading == Threading.SHARED && !WaitStrategies.DEFAULT.equals(waitStrategy.trim().toLowerCase(Locale.ROOT))) {
                // Silently ignoring it would let a user believe they measured or tuned something they did not.
                throw new IllegalArgumentException("wait strategy '" + waitStrategy + "' applies only to dedicated threading:"
                    + " with shared threading the raft thread waits in the network's selector");
            }
            return c;
        }
    }
}
