package io.raftlog.net.transport;

import java.util.function.Supplier;

import io.raftlog.net.codec.Protocol;
import io.raftlog.net.codec.Roles;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * Settings of a {@link Transport}; fluent setters, read once when the transport is built. The defaults
 * suit a 3-node cluster on a 2-core machine.
 */
public final class TransportConfig {
    long clusterId;
    int nodeId;
    int role = Roles.NODE;
    int maxFrameLength = Protocol.DEFAULT_MAX_FRAME_LENGTH;
    int outboundRingCapacity = 4 * 1024 * 1024;
    int writeBufferLength = 64 * 1024;
    int readBufferLength = 64 * 1024;
    long reconnectMinNs = 20_000_000L;
    long reconnectMaxNs = 1_000_000_000L;
    long handshakeTimeoutNs = 5_000_000_000L;
    long closeLingerNs = 1_000_000_000L;
    int socketBufferLength = 0;
    String threadName = "raftlog-transport";
    /**
     * Spin a little, yield a little, then park from 1 us up to 1 ms: a busy node pays no wake-up cost,
     * an idle one costs about a thousand cheap wake-ups a second instead of a whole core.
     */
    Supplier<IdleStrategy> idleStrategy = () -> new BackoffIdleStrategy(50, 20, 1_000, 1_000_000);

    /** The cluster id both sides of every handshake must share. */
    public TransportConfig clusterId(long clusterId) {
        this.clusterId = clusterId;
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
     * Bytes of each connection's outbound ring: a power of two; the largest frame one can send is an
     * eighth of it (Agrona's ring buffer limit), so 4 MiB allows 512 KiB frames.
     */
    public TransportConfig outboundRingCapacity(int capacity) {
        if (Integer.bitCount(capacity) != 1 || capacity < 4096) {
            throw new IllegalArgumentException("outboundRingCapacity must be a power of two >= 4096, was " + capacity);
        }
        this.outboundRingCapacity = capacity;
        return this;
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

    /** SO_SNDBUF/SO_RCVBUF for every socket; 0 keeps the operating system's default. */
    public TransportConfig socketBufferLength(int length) {
        this.socketBufferLength = length;
        return this;
    }

    public TransportConfig threadName(String name) {
        this.threadName = name;
        return this;
    }

    public TransportConfig idleStrategy(Supplier<IdleStrategy> idleStrategy) {
        this.idleStrategy = idleStrategy;
        return this;
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
