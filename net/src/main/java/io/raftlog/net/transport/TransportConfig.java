package io.raftlog.net.transport;

import java.net.InetSocketAddress;
import java.util.function.UnaryOperator;

import io.raftlog.net.codec.Protocol;
import io.raftlog.net.codec.Roles;

/**
 * Settings of a {@link Transport}; fluent setters, read once when the transport is built. The defaults
 * suit a 3-node cluster on a 2-core machine.
 */
public final class TransportConfig {
    long clusterId;
    /** 0 (the default) for a client, or a transport in tests that does not care. */
    long membersDigest;
    int nodeId;
    int role = Roles.NODE;
    int maxFrameLength = Protocol.DEFAULT_MAX_FRAME_LENGTH;
    int outboundRingCapacity = 4 * 1024 * 1024;
    int clientRingCapacity = 4 * 1024 * 1024;
    int writeBufferLength = 64 * 1024;
    int readBufferLength = 64 * 1024;
    long reconnectMinNs = 20_000_000L;
    long reconnectMaxNs = 1_000_000_000L;
    long handshakeTimeoutNs = 5_000_000_000L;
    long closeLingerNs = 1_000_000_000L;
    long outboundWriteStallNs = 10_000_000_000L;
    int socketBufferLength = 0;
    int maxAcceptedConnections = 256;
    /** The direct memory client connections are sized against; -1: the JVM's own cap. */
    long directMemoryLimit = -1;
    String threadName = "raftlog-transport";
    int idleSpins = 20;
    int idleYields = 10;
    long idleBlockNs = 10_000_000L;
    /**
     * Looks up an unresolved remote address (a host name) before each connection attempt, off the transport
     * thread; answers an unresolved address when the name does not resolve. Tests replace it.
     */
    UnaryOperator<InetSocketAddress> lookup = a -> new InetSocketAddress(a.getHostString(), a.getPort());

    /** The cluster id both sides of every handshake must share. */
    public TransportConfig clusterId(long clusterId) {
        this.clusterId = clusterId;
        return this;
    }

    /** A node's {@link io.raftlog.net.codec.HandshakeFrame#membersDigest}; peers with another one are refused. */
    public TransportConfig membersDigest(long digest) {
        this.membersDigest = digest;
        return this;
    }

    /** This node's id (non-zero) for {@link Roles#NODE}; 0 for a client. */
    public TransportConfig nodeId(int nodeId) {
        this.nodeId = nodeId;
        return this;
    }

    /** {@link Roles#NODE} (accepts peers and clients, connects to peers) or {@link Roles#CLIENT}. */
    public TransportConfig role(int role) {
        if (role != Roles.NODE && role != Roles.CLIENT) {
            throw new IllegalArgumentException("role must be NODE or CLIENT, was " + role);
        }
        this.role = role;
        return this;
    }

    /** The largest frame accepted from the network; checked before anything is read or allocated. */
    public TransportConfig maxFrameLength(int maxFrameLength) {
        if (maxFrameLength < 1024) {
            throw new IllegalArgumentException("maxFrameLength " + maxFrameLength + " is below 1024");
        }
        this.maxFrameLength = maxFrameLength;
        return this;
    }

    /**
     * Bytes of the outbound ring of each connection to or from a node (peer links, and a client's
     * connections to nodes): a power of two; the largest frame one can send is an eighth of it (Agrona's
     * ring buffer limit), so the default 4 MiB allows 512 KiB frames. Allocated when the connection first
     * becomes active.
     */
    public TransportConfig outboundRingCapacity(int capacity) {
        this.outboundRingCapacity = checkRing(capacity);
        return this;
    }

    /**
     * Bytes of the outbound ring of each accepted client connection (default 4 MiB: frames up to 512 KiB;
     * a node must keep every frame it sends, ENTRIES included, within {@link Connection#maxSendLength()}).
     */
    public TransportConfig clientRingCapacity(int capacity) {
        this.clientRingCapacity = checkRing(capacity);
        return this;
    }

    private static int checkRing(int capacity) {
        if (Integer.bitCount(capacity) != 1 || capacity < 8192) {
            throw new IllegalArgumentException("ring capacity must be a power of two >= 8192, was " + capacity);
        }
        return capacity;
    }

    /** Bytes gathered per write system call (grows for a single frame larger than this). */
    public TransportConfig writeBufferLength(int length) {
        this.writeBufferLength = length;
        return this;
    }

    /** Initial receive buffer per connection (grows, up to the max frame length, for a larger frame). */
    public TransportConfig readBufferLength(int length) {
        this.readBufferLength = length;
        return this;
    }

    /** Reconnect delays for outbound connections: doubled after each failure from min up to max. */
    public TransportConfig reconnectBackoff(long minNs, long maxNs) {
        this.reconnectMinNs = minNs;
        this.reconnectMaxNs = Math.max(minNs, maxNs);
        return this;
    }

    /** A connection that has not completed its handshake within this time is closed. */
    public TransportConfig handshakeTimeoutNs(long ns) {
        this.handshakeTimeoutNs = ns;
        return this;
    }

    /** How long a connection closed with an error frame may take to flush it. */
    public TransportConfig closeLingerNs(long ns) {
        this.closeLingerNs = ns;
        return this;
    }

    /**
     * How long an outbound connection (to a node) may hold bytes the socket takes none of before it is closed and
     * opened again (10 s: well past a peer's longest pause seen here, a slow force or a collection, whose frames
     * a new connection would only lose). After a long partition heals, TCP retransmits what it holds only at its backed-off timer,
     * up to two minutes later, and a node drops every message for that peer meanwhile; a new connection starts
     * at once.
     */
    public TransportConfig outboundWriteStallNs(long ns) {
        if (ns <= 0) {
            throw new IllegalArgumentException("outboundWriteStallNs must be positive, was " + ns);
        }
        this.outboundWriteStallNs = ns;
        return this;
    }

    /** SO_SNDBUF/SO_RCVBUF for every socket; 0 keeps the operating system's default. */
    public TransportConfig socketBufferLength(int length) {
        this.socketBufferLength = length;
        return this;
    }

    /**
     * Client connections and handshakes in progress on accepted sockets, together; more are refused (each costs
     * its buffers, so a connection flood must not exhaust memory). Peers do not count: a few sockets beyond the
     * limit are accepted for their handshakes, so that a peer reconnecting to a node whose clients use every slot
     * gets in, and a client whose handshake finds the limit reached is refused BUSY.
     */
    public TransportConfig maxAcceptedConnections(int max) {
        this.maxAcceptedConnections = max;
        return this;
    }

    /**
     * Sizes client connections against this much direct memory instead of the JVM's cap
     * ({@code -XX:MaxDirectMemorySize}): a node takes only as many as fit in half of it (see {@link DirectMemory}).
     */
    public TransportConfig directMemoryLimit(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("directMemoryLimit must be positive, was " + bytes);
        }
        this.directMemoryLimit = bytes;
        return this;
    }

    public TransportConfig threadName(String name) {
        this.threadName = name;
        return this;
    }

    /**
     * How the transport thread idles when a duty cycle finds nothing to do: {@code spins} more cycles
     * with a spin-wait hint, then {@code yields} with a yield, then it blocks in the selector for up to
     * {@code blockNs} (at least 1 ms granularity). Blocking in the selector (not parking) means a frame
     * from the network wakes it at once; a frame offered by another thread wakes it with
     * a write to its wake-up pipe only while it sleeps. A busy transport never blocks; an idle one wakes
     * for its own timers only (reconnects, handshakes; by default every 10 ms at most) instead of spinning
     * a core.
     */
    public TransportConfig idle(int spins, int yields, long blockNs) {
        this.idleSpins = spins;
        this.idleYields = yields;
        this.idleBlockNs = Math.max(1_000_000L, blockNs);
        return this;
    }

    public long idleBlockNs() {
        return idleBlockNs;
    }

    public int maxFrameLength() {
        return maxFrameLength;
    }

    public long clusterId() {
        return clusterId;
    }

    public int nodeId() {
        return nodeId;
    }

    public int role() {
        return role;
    }
}
