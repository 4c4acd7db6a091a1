package io.raftlog.net.transport;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import io.raftlog.net.codec.Protocol;
import io.raftlog.net.transport.TransportCounters.Counter;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * One TCP connection of a {@link Transport}, accepted or opened by it.
 *
 * <h2>Sending (any thread)</h2>
 * Each connection has a bounded outbound ring (an Agrona {@link ManyToOneRingBuffer}); any number of
 * threads may send into it without locks and without blocking:
 * <ul>
 *   <li>{@link #offer(DirectBuffer, int, int)} copies one whole encoded frame, or several back to back, in;</li>
 *   <li>{@link #tryClaim(int)} reserves up to {@link #maxSendLength()} bytes in {@link #claimBuffer()}, the
 *       caller encodes a frame (or several back to back) there in place, with codec flyweights wrapped at
 *       the returned index, and then calls {@link #commit(int)} (or {@link #abort(int)}). The claim may be
 *       larger than the frames: their own length fields say where they end and the unused rest (which the
 *       ring keeps zeroed) is not sent, so an encoder whose final size is unknown (AppendEntries read from
 *       the journal) can claim an upper bound.</li>
 * </ul>
 * Both fail at once (false / a negative index) when the ring is full or the connection is not active;
 * the caller decides (drop and retry later, as Raft can, or answer BUSY). Send only after
 * {@link FrameHandler#onConnected}; frames still in the ring when the connection goes down are discarded.
 *
 * <h2>Everything else</h2>
 * The transport thread owns the socket, the write buffer (many frames per write call) and the read buffer.
 * {@link #close(String)} may be called from any thread; {@link #closeWithError} and the attachment only
 * on the transport thread.
 */
public final class Connection {
    /** Record type of frames in the outbound ring. */
    static final int FRAME_RECORD = 1;

    static final int CONNECTING = 0;
    static final int HANDSHAKING = 1;
    static final int ACTIVE = 2;
    static final int CLOSING = 3;
    static final int WAITING_TO_RECONNECT = 4;
    static final int CLOSED = 5;

    private final long id;
    private final boolean outbound;
    private final boolean reconnect;
    private final InetSocketAddress remoteAddress;
    private final Transport transport;
    private final TransportCounters counters;
    /** Allocated when the connection first becomes active, sized by the remote's role; then kept. */
    private ManyToOneRingBuffer ring;
    private volatile int state;
    private volatile String closeRequest;

    // transport thread only
    SocketChannel channel;
    SelectionKey key;
    int remoteRole;
    int remoteNodeId;
    long deadlineNs;
    long reconnectDelayNs;
    ByteBuffer writeByteBuffer;
    UnsafeBuffer writeBuffer;
    int writeStart;
    int writeEnd;
    ByteBuffer readByteBuffer;
    UnsafeBuffer readBuffer;
    private Object attachment;
    boolean announced;
    /** How the transport counts this accepted connection against its limits: {@link Transport}'s COUNTED_*. */
    int counted;
    /** Indexed by frame type: what this connection's remote may send once active (see {@link FramePolicy}). */
    boolean[] allowedTypes;
    String closeReason;
    /**
     * A connection closing for an error has written its ERROR and shut its output (a FIN follows the
     * frame); it now waits for the remote to close its side, discarding what it still sends.
     */
    boolean outputShut;
    /**
     * A connection closing for an error whose remote closed its side before the ERROR was written: no longer
     * read (an ended stream is readable at every select), closed once the ERROR is out or at the deadline.
     */
    boolean inputEnded;
    /** A remote given by host name: an attempt waits for its lookup ({@link Transport}'s lookUp). */
    boolean awaitingLookup;
    /** A lookup of the remote's name runs (at most one at a time, however many attempts time out meanwhile). */
    boolean lookupInFlight;

    Connection(Transport transport, long id, boolean outbound, boolean reconnect, InetSocketAddress remoteAddress,
               TransportConfig config, TransportCounters counters) {
        this.transport = transport;
        this.id = id;
        this.outbound = outbound;
        this.reconnect = reconnect;
        this.remoteAddress = remoteAddress;
        this.counters = counters;
        this.writeByteBuffer = ByteBuffer.allocateDirect(config.writeBufferLength);
        this.writeBuffer = new UnsafeBuffer(writeByteBuffer);
        this.readByteBuffer = ByteBuffer.allocateDirect(config.readBufferLength);
        this.readBuffer = new UnsafeBuffer(readByteBuffer);
        this.state = outbound ? CONNECTING : HANDSHAKING;
    }

    /** Unique within its transport; stays the same across reconnects of an outbound connection. */
    public long id() {
        return id;
    }

    /** True if this side opened the connection ({@link Transport#connect}). */
    public boolean isOutbound() {
        return outbound;
    }

    /** The address connected to, as given: a host name given unresolved is looked up again at every attempt. */
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** The role the remote declared in its handshake (valid once active). */
    public int remoteRole() {
        return remoteRole;
    }

    /** The remote's node id from the handshake (0 for a client; valid once active). */
    public int remoteNodeId() {
        return remoteNodeId;
    }

    /** True between {@link FrameHandler#onConnected} and {@link FrameHandler#onClosed}; any thread. */
    public boolean isActive() {
        return state == ACTIVE;
    }

    /** True once the connection is gone for good (no reconnect will follow). */
    public boolean isClosed() {
        return state == CLOSED;
    }

    /** The largest frame {@link #offer} or {@link #tryClaim} accept (0 until first active). */
    public int maxSendLength() {
        ManyToOneRingBuffer r = ring;
        return r == null ? 0 : r.maxMsgLength();
    }

    /**
     * Whether the outbound ring has room for a frame of {@code length} now (approximate from another thread: room
     * only grows meanwhile, except by other writers). Lets a producer skip the work of building a frame that could
     * not be queued.
     */
    public boolean hasRoomFor(int length) {
        ManyToOneRingBuffer r = ring;
        // A record's header and alignment add at most 2 * 8 bytes (Agrona's RecordDescriptor).
        return r != null && r.capacity() - r.size() >= length + 16;
    }

    /** Bytes waiting in the outbound ring (approximate when read from another thread). */
    public int pendingBytes() {
        ManyToOneRingBuffer r = ring;
        return r == null ? 0 : r.size();
    }

    /**
     * Copies whole encoded frames into the outbound ring: one frame, or several back to back (they go out
     * together, in order; a batch of frames costs one ring operation). Any thread.
     *
     * @return false if the connection is not active, the ring has no room now, or {@code length} exceeds
     *     {@link #maxSendLength()} (never fits: split the batch); nothing was queued
     */
    public boolean offer(DirectBuffer frame, int offset, int length) {
        if (state == ACTIVE && length <= ring.maxMsgLength() && ring.write(FRAME_RECORD, frame, offset, length)) {
            transport.wakeUpIfSleeping();
            return true;
        }
        counters.incrementConcurrent(Counter.SEND_REJECTED);
        return false;
    }

    /**
     * Reserves {@code maxLength} bytes for a frame to be encoded in place in {@link #claimBuffer()}. Any
     * thread; every successful claim must be followed by {@link #commit} or {@link #abort}, soon (later
     * frames in the ring wait for it).
     *
     * @return the offset in {@link #claimBuffer()} to encode the frame at, or -1 if the connection is not
     *     active or the ring has no room
     */
    public int tryClaim(int maxLength) {
        if (state == ACTIVE && maxLength >= Protocol.HEADER_LENGTH && maxLength <= ring.maxMsgLength()) {
            int index = ring.tryClaim(FRAME_RECORD, maxLength);
            if (index >= 0) {
                return index;
            }
        }
        counters.incrementConcurrent(Counter.SEND_REJECTED);
        return -1;
    }

    /** The buffer {@link #tryClaim} indexes into. */
    public MutableDirectBuffer claimBuffer() {
        return ring.buffer();
    }

    /** Publishes a claimed frame (its length field says how much of the claim it uses). */
    public void commit(int index) {
        ring.commit(index);
        transport.wakeUpIfSleeping();
    }

    /** Gives a claim back unsent. */
    public void abort(int index) {
        ring.abort(index);
    }

    /**
     * Closes the connection (no reconnect, even for an outbound one); any thread. Frames already in the
     * write buffer are dropped.
     */
    public void close(String reason) {
        closeRequest = reason == null ? "closed" : reason;
        transport.wakeUpIfSleeping();
    }

    /**
     * Sends an ERROR frame, then closes the connection: for input that breaks the protocol. Counts the kind
     * of error. An outbound connection with reconnect opens a new socket after its backoff (the peer may
     * be restarted with a fix); call {@link #close} to stop it for good. Transport thread only (for
     * example inside {@link FrameHandler#onFrame}).
     */
    public void closeWithError(int errorCode, int failedType, String message) {
        transport.protocolError(this, errorCode, failedType, message, counterFor(errorCode));
    }

    private static Counter counterFor(int errorCode) {
        return switch (errorCode) {
            case io.raftlog.net.codec.ErrorCode.UNSUPPORTED_VERSION -> Counter.BAD_VERSION;
            case io.raftlog.net.codec.ErrorCode.WRONG_CLUSTER -> Counter.WRONG_CLUSTER;
            case io.raftlog.net.codec.ErrorCode.UNEXPECTED_FRAME -> Counter.UNEXPECTED_FRAME;
            case io.raftlog.net.codec.ErrorCode.UNKNOWN_TYPE -> Counter.UNKNOWN_TYPE;
            case io.raftlog.net.codec.ErrorCode.TOO_LARGE -> Counter.BAD_LENGTH;
            default -> Counter.MALFORMED;
        };
    }

    /** Owner's per-connection state (a session); transport thread only. */
    public Object attachment() {
        return attachment;
    }

    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    @Override
    public String toString() {
        return "connection " + id + (outbound ? " to " : " from ") + remoteAddress
            + (remoteNodeId != 0 ? " (node " + remoteNodeId + ")" : "");
    }

    // ---- transport thread only ----

    /** The node an outbound connection was opened for (0: any); its acceptor must be that node. */
    private int expectedNodeId;

    void expectNodeId(int nodeId) {
        expectedNodeId = nodeId;
    }

    int expectedNodeId() {
        return expectedNodeId;
    }

    /** When the socket last took bytes, or the connection last owed none (see outboundWriteStallNs). */
    long writeProgressNs;

    /** Before the state becomes ACTIVE (which publishes it to sending threads). */
    void allocateRing(int capacity) {
        if (ring == null) {
            ring = new ManyToOneRingBuffer(new UnsafeBuffer(
                ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)));
        }
    }

    int state() {
        return state;
    }

    void state(int newState) {
        state = newState;
    }

    boolean reconnects() {
        return reconnect && closeRequest == null;
    }

    String takeCloseRequest() {
        String r = closeRequest;
        return r;
    }

    RingBuffer ring() {
        return ring;
    }

    /** Bytes in the write buffer not yet written to the socket. */
    int unwritten() {
        return writeEnd - writeStart;
    }

    /** Room at the end of the write buffer, compacting first if that makes more. */
    int writeRoom(int wanted) {
        if (writeStart == writeEnd) {
            writeStart = 0;
            writeEnd = 0;
        } else if (writeBuffer.capacity() - writeEnd < wanted && writeStart > 0) {
            writeBuffer.putBytes(0, writeBuffer, writeStart, writeEnd - writeStart);
            writeEnd -= writeStart;
            writeStart = 0;
        }
        return writeBuffer.capacity() - writeEnd;
    }

    /** Makes the write buffer hold at least {@code length} bytes (a frame larger than the default). */
    void growWriteBuffer(int length) {
        if (writeBuffer.capacity() >= length) {
            return;
        }
        ByteBuffer bigger = ByteBuffer.allocateDirect(Integer.highestOneBit(length - 1) << 1);
        UnsafeBuffer biggerView = new UnsafeBuffer(bigger);
        biggerView.putBytes(0, writeBuffer, writeStart, writeEnd - writeStart);
        writeEnd -= writeStart;
        writeStart = 0;
        writeByteBuffer = bigger;
        writeBuffer = biggerView;
    }

    /** Makes the read buffer hold at least {@code length} bytes, keeping {@code used} bytes from 0. */
    void growReadBuffer(int length, int used, int maxFrameLength) {
        if (readBuffer.capacity() >= length) {
            return;
        }
        // doubling avoids a copy per step for a run of growing frames; never beyond the maximum frame
        ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(length, Math.min(readBuffer.capacity() * 2, maxFrameLength)));
        UnsafeBuffer biggerView = new UnsafeBuffer(bigger);
        biggerView.putBytes(0, readBuffer, 0, used);
        bigger.position(used);
        readByteBuffer = bigger;
        readBuffer = biggerView;
    }

    void resetBuffers() {
        outputShut = false;
        inputEnded = false;
        writeStart = 0;
        writeEnd = 0;
        readByteBuffer.clear();
    }
}
