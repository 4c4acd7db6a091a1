package io.raftlog.net.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.raftlog.journal.FileErrors;
import io.raftlog.journal.HardStateStore;
import io.raftlog.journal.Journal;
import io.raftlog.journal.NodeIdentity;
import io.raftlog.journal.NodeStorage;
import io.raftlog.net.codec.HandshakeFrame;
import io.raftlog.net.codec.PeerMessageCodec;
import io.raftlog.net.codec.Roles;
import io.raftlog.net.transport.Connection;
import io.raftlog.net.transport.Transport;
import io.raftlog.net.transport.TransportCounters;
import io.raftlog.net.transport.TransportConfig;
import io.raftlog.pipeline.DataEntry;
import io.raftlog.pipeline.NodeStatus;
import io.raftlog.pipeline.PipelineListener;
import io.raftlog.pipeline.RaftPipeline;
import io.raftlog.pipeline.WaitStrategies;
import io.raftlog.raft.RaftConfig;
import io.raftlog.raft.Role;

import com.lmax.disruptor.WaitStrategy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One raftlog node: the Chronicle journal and hard state in its data directory, the pipeline (ring, raft
 * thread, flusher, ticker), the fetch thread, and one transport that accepts peers and clients on the
 * node's address and keeps a reconnecting connection to every peer (each node sends to a peer only on the
 * connection it opened, and receives on the ones the peers opened).
 *
 * <p>{@link #start} returns once the node listens; {@link #close} stops taking input, lets the raft thread
 * finish, flushes the journal and closes everything (the shutdown hook of the server command calls it).
 */
public final class RaftServer implements AutoCloseable {
    private volatile Consumer<Throwable> onHalt = cause -> { };
    /** Why the raft thread halted, once it did: a handler set afterwards is called at once (see onHalt). */
    private volatile Throwable haltedBy;
    private static final Logger LOG = LoggerFactory.getLogger(RaftServer.class);
    private static final int MAX_CLIENT_CONNECTIONS = 4096;

    private final ServerConfig config;
    private final Journal journal;
    private final HardStateStore hardState;
    private DataDirLock lock;
    private final RaftPipeline pipeline;
    private final FetchService fetch;
    private final Transport transport;
    private final List<Connection> peerConnections = new ArrayList<>();
    private final InetSocketAddress bound;
    private volatile boolean closed;

    private RaftServer(ServerConfig config, Journal journal, HardStateStore hardState) {
        this.config = config;
        this.journal = journal;
        this.hardState = hardState;
        int nodeId = config.nodeId();
        Map<Integer, InetSocketAddress> cluster = config.cluster();
        int maxId = cluster.keySet().stream().mapToInt(Integer::intValue).max().orElse(nodeId);
        String[] addressById = new String[maxId + 1];
        cluster.forEach((id, a) -> addressById[id] = ServerConfig.hostPort(a));

        TransportConfig tc = transportConfig(config);
        int maxFrame = tc.maxFrameLength();
        ClientConnections clients = new ClientConnections(MAX_CLIENT_CONNECTIONS);
        PeerOutbox peers = new PeerOutbox(maxId, maxFrame);
        ClientAddresses clientAddresses = new ClientAddresses(addressById);
        ClientResponses responses = new ClientResponses(clients, clientAddresses, maxId);
        FetchService[] fetchRef = new FetchService[1];
        PipelineListener listener = new PipelineListener() {
            @Override
            public void commitAdvanced(long commitIndex) {
                FetchService f = fetchRef[0];
                if (f != null) {
                    f.commitAdvanced();
                }
            }

            @Override
            public void roleChanged(Role role, long term, int leaderId) {
                // The pipeline logs the line; nothing else to do here yet.
            }

            @Override
            public void halted(Throwable cause) {
                haltedBy = cause;
                onHalt.accept(cause);
            }
        };
        PeerMessageCodec decoder = new PeerMessageCodec(maxFrame); // used only by the raft thread
        NetworkPollingWaitStrategy polling = config.threading() == Threading.SHARED ? new NetworkPollingWaitStrategy(tc) : null;
        WaitStrategy wait = polling != null ? polling : WaitStrategies.create(config.pipelineConfig().waitStrategy());
        this.pipeline = new RaftPipeline(config.pipelineConfig(), config.raftConfig(), journal, hardState, decoder::decode,
            peers, responses, listener, wait);
        NodeStatus status = pipeline.status();
        this.fetch = new FetchService(journal, status::commitIndex, nodeId, status, config.noLeaderLimit().toNanos());
        fetchRef[0] = fetch;
        ServerHandler handler = new ServerHandler(nodeId, config.members(), pipeline, fetch, clients,
            new ClientResponses(clients, clientAddresses, maxId), clientAddresses,
            config.advertise() == null ? "" : ServerConfig.hostPort(config.advertise()), maxFrame);
        this.transport = new Transport(tc, handler);
        if (polling != null) {
            polling.drive(transport);
        }
        InetSocketAddress b;
        try {
            b = transport.bind(config.listen());
        } catch (UncheckedIOException e) {
            transport.close();
            pipeline.close();
            throw new UncheckedIOException("cannot listen on " + ServerConfig.hostPort(config.listen()) + ": "
                + describe(e.getCause()), e.getCause());
        }
        this.bound = b;
        cluster.forEach((id, address) -> {
            if (id != nodeId) {
                Connection c = transport.connect(address, true, id);
                peers.connection(id, c);
                peerConnections.add(c);
            }
        });
    }

    private static TransportConfig transportConfig(ServerConfig config) {
        return new TransportConfig().clusterId(config.clusterId()).nodeId(config.nodeId()).role(Roles.NODE)
            .membersDigest(HandshakeFrame.membersDigest(config.members()))
            .threadName("raftlog-transport-" + config.nodeId());
    }

    /** Opens (or creates) the node's data directory and starts it; returns once it listens. */
    public static RaftServer start(ServerConfig config) {
        // Whatever the configuration alone decides is checked before the data directory is created or claimed:
        // a directory claimed by a start that could never run records a member set that never worked.
        RaftConfig raft = config.raftConfig();
        PeerOutbox.checkBounds(raft.maxEntriesPerAppend(), raft.maxBytesPerAppend(),
            ServerHandler.MAX_ENTRY_BYTES + DataEntry.HEADER_LENGTH, transportConfig(config).maxFrameLength());
        Path dir = config.dataDir();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dir + ": " + whyNotCreated(dir, e), e);
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            String notWritable = "data directory " + dir + " is not a writable directory";
            throw new UncheckedIOException(notWritable, new IOException(notWritable));
        }
        DataDirLock lock = DataDirLock.acquire(dir);
        try {
            checkCanListen(config.listen());
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        Journal journal = null;
        HardStateStore hardState = null;
        RaftServer server;
        try {
            NodeIdentity.claim(dir, config.nodeId(), config.clusterId(), config.members());
            journal = NodeStorage.openJournal(dir, config.fsync(), config.journalOptions());
            hardState = NodeStorage.openHardState(dir);
            NodeStorage.checkHardStateCoversLog(dir, hardState.load(), journal);
            server = new RaftServer(config, journal, hardState);
        } catch (RuntimeException | Error e) {
            // An Error too: a faulted write through the journal's map during recovery (a full disk) is one.
            if (hardState != null) {
                hardState.close();
            }
            if (journal != null) {
                journal.close();
            }
            lock.close();
            throw e;
        }
        server.lock = lock;
        server.fetch.start();
        server.pipeline.start();
        if (config.threading() == Threading.DEDICATED) {
            server.transport.start();
        }
        LOG.info("node {} listening on {} (cluster {}, data {}, fsync {}, threading {})", config.nodeId(),
            ServerConfig.hostPort(server.bound), ServerConfig.formatCluster(config.cluster()), dir, config.fsync(),
            config.threading().label());
        return server;
    }

    /**
     * What to do when the raft thread halts after an internal failure (see RaftDriver): the command line
     * exits the process so that a supervisor restarts it; in-process users may close the server. Called on
     * the raft thread: return quickly.
     */
    public void onHalt(Consumer<Throwable> action) {
        this.onHalt = action;
        Throwable cause = haltedBy;
        if (cause != null) {
            // Halted before the handler was set (right after start): it must not be missed, or the process
            // would stay up as a halted node. The raft thread may call it too (set while it halts): the action
            // runs once or twice, so it must be idempotent (the command line's exit is).
            action.accept(cause);
        }
    }

    public ServerConfig config() {
        return config;
    }

    /** The address the node actually listens on (the real port when the configured one was 0). */
    public InetSocketAddress boundAddress() {
        return bound;
    }

    public NodeStatus status() {
        return pipeline.status();
    }

    /** What the node's transport counted: refused handshakes, malformed frames, reconnects. */
    public TransportCounters transportCounters() {
        return transport.counters();
    }

    /** Peer frames dropped because the ring was full (Raft resends them; a count that grows means overload). */
    public long droppedPeerFrames() {
        return pipeline.droppedPeerFrames();
    }

    /** Stops the node: no new input, the raft thread drains and stops, the journal is flushed and closed. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("node {} stopping", config.nodeId());
        peerConnections.forEach(c -> c.close("node stopping"));
        pipeline.close(); // answers pending appends NOT_LEADER (while the transport can still send), flushes
        if (config.threading() == Threading.SHARED && pipeline.raftThreadRunning()) {
            LOG.error("node {}: the raft thread did not stop; closing the transport it runs from this thread anyway",
                config.nodeId());
        }
        fetch.close();
        // Sends what the rings still hold (those answers; at most 100 ms), then closes the sockets: on the
        // transport's own thread, or with shared threading on this one, the raft thread that ran it having stopped.
        transport.close();
        if (pipeline.leftThreadsRunning() || fetch.leftThreadRunning()) {
            // A thread stuck in the journal or the hard state (a force that never returns, a fetch round reading
            // from a slow disk) may still use them:
            // closing would unmap its files under it. They stay open, and so does the data directory's lock, so
            // that nothing else opens the journal while that thread might still write; a restart recovers.
            LOG.error("node {} stopped without closing its journal, hard state and lock (see above)", config.nodeId());
            return;
        }
        journal.close();
        hardState.close();
        lock.close();
        LOG.info("node {} stopped", config.nodeId());
    }

    /**
     * Fails with a one-line message if the address cannot be bound, before the journal is opened (so a
     * port in use is reported without first recovering the journal). The transport binds it for real later.
     */
    private static void checkCanListen(InetSocketAddress address) {
        if (address.getPort() == 0) {
            return;
        }
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            probe.bind(address);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + ServerConfig.hostPort(address) + ": " + describe(e), e);
        }
    }

    /**
     * Why a directory could not be created, in words: the messages of FileAlreadyExistsException and
     * AccessDeniedException are only the path ("cannot create data directory X: X").
     */
    static String whyNotCreated(Path dir, IOException e) {
        if (e instanceof FileAlreadyExistsException f) {
            boolean itself = f.getFile() == null || Path.of(f.getFile()).toAbsolutePath().equals(dir.toAbsolutePath());
            return (itself ? "it" : f.getFile()) + " exists and is not a directory";
        }
        return FileErrors.why(dir, e);
    }

    private static String describe(Throwable e) {
        if (e == null) {
            return "unknown error";
        }
        String m = e.getMessage();
        return m != null ? m : e.getClass().getSimpleName();
    }
}
