package io.raftlog.net.client;

import io.raftlog.net.codec.ErrorCode;
import io.raftlog.net.codec.ErrorFrame;
import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.HandshakeFrame;
import io.raftlog.net.codec.Protocol;
import io.raftlog.net.codec.Roles;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One client connection to one node over a plain blocking socket: connect with a timeout, the handshake,
 * whole-buffer writes and a frame reader. The client keeps its own small I/O threads (see {@link LogClient})
 * rather than sharing the server's selector-based transport: a client has one to a few sockets, and a
 * blocking read wakes exactly the thread that waits for the answer, with read timeouts for free.
 *
 * <p>Writes may come from one thread while another reads; neither side is shared further.
 */
final class FrameConnection implements AutoCloseable {
    /** Frames a node sends a client are small except ENTRIES, which the fetch's maxBytes bounds. */
    private static final int INITIAL_READ_BUFFER = 256 * 1024;

    private final NodeAddress address;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int maxFrameLength;
    private final ExpandableArrayBuffer readBuffer = new ExpandableArrayBuffer(INITIAL_READ_BUFFER);
    private final UnsafeBuffer frameView = new UnsafeBuffer(0, 0);
    private int readStart;
    private int readEnd;
    private int nodeId;
    private volatile long writingSinceNanos;
    /** When bytes last came in (System.nanoTime; the handshake's start before any): the node's last sign of life. */
    private volatile long lastReadNanos = System.nanoTime();
    private volatile boolean closed;

    private FrameConnection(NodeAddress address, Socket socket, int maxFrameLength) throws IOException {
        this.address = address;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.maxFrameLength = maxFrameLength;
    }

    /**
     * Connects within {@code timeoutMillis} and completes the handshake within {@code handshakeTimeoutMillis}
     * more. Throws an IOException whose message names the node and what went wrong (refused, timed out, refused
     * the handshake and why).
     */
    static FrameConnection open(NodeAddress address, long clusterId, int timeoutMillis, int handshakeTimeoutMillis,
        int maxFrameLength) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address.toSocketAddress(), timeoutMillis);
        } catch (SocketTimeoutException e) {
            closeQuietly(socket);
            throw new IOException(address + ": no connection within " + timeoutMillis + " ms");
        } catch (IOException e) {
            closeQuietly(socket);
            throw new IOException(address + ": " + describe(e), e);
        }
        FrameConnection c = new FrameConnection(address, socket, maxFrameLength);
        try {
            c.handshake(clusterId, handshakeTimeoutMillis);
            return c;
        } catch (IOException e) {
            c.close();
            throw e;
        }
    }

    private void handshake(long clusterId, int timeoutMillis) throws IOException {
        ExpandableArrayBuffer buf = new ExpandableArrayBuffer(HandshakeFrame.LENGTH);
        int len = new HandshakeFrame().encode(buf, 0, FrameType.HANDSHAKE, clusterId, 0, Roles.CLIENT, 0);
        write(buf.byteArray(), 0, len);
        int saved = socket.getSoTimeout();
        socket.setSoTimeout(timeoutMillis);
        try {
            DirectBuffer frame = readFrame();
            int type = Protocol.type(frame, 0);
            if (type == FrameType.HANDSHAKE_ACCEPT) {
                HandshakeFrame accept = new HandshakeFrame();
                String bad = accept.wrap(frame, 0, frame.capacity());
                if (bad != null) {
                    throw new IOException(address + ": bad handshake answer: " + bad);
                }
                nodeId = accept.nodeId();
            } else if (type == FrameType.ERROR) {
                String why = address + " refused the connection: " + errorText(frame);
                int code = ErrorCode.BUSY;
                ErrorFrame error = new ErrorFrame();
                if (error.wrap(frame, 0, frame.capacity()) == null) {
                    code = error.code();
                }
                // Full of clients, or stopping: the same node may take us on the next try.
                throw code == ErrorCode.BUSY || code == ErrorCode.SHUTTING_DOWN ? new IOException(why)
                    : new HandshakeRefusedException(why);
            } else {
                throw new IOException(address + " answered the handshake with " + FrameType.name(type));
            }
        } catch (SocketTimeoutException e) {
            throw new IOException(address + ": no handshake answer within " + timeoutMillis + " ms");
        } finally {
            if (!closed) {
                socket.setSoTimeout(saved);
            }
        }
    }

    NodeAddress address() {
        return address;
    }

    /** The node id the node gave in its handshake answer. */
    int nodeId() {
        return nodeId;
    }

    /** Read timeout for {@link #readFrame}: 0 waits forever. */
    void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    void write(byte[] bytes, int offset, int length) throws IOException {
        writingSinceNanos = System.nanoTime() | 1; // never 0 while writing
        try {
            out.write(bytes, offset, length);
        } catch (IOException e) {
            throw new IOException(address + ": " + describe(e), e);
        } finally {
            writingSinceNanos = 0;
        }
    }

    /**
     * When the write in progress began (System.nanoTime), 0 if none is. A blocking write has no timeout of
     * its own: a node that stops reading (hung) would hold the writer forever, so the connection's reader
     * watches this and closes the socket, which ends the write with an exception.
     */
    long writingSinceNanos() {
        return writingSinceNanos;
    }

    /**
     * Blocks until one whole frame is there and returns a view of it (offset 0, capacity = frame length),
     * valid until the next call. A header that is not acceptable, or EOF, is an IOException naming the node.
     * A read timeout surfaces as {@link SocketTimeoutException} with the partial frame kept.
     */
    DirectBuffer readFrame() throws IOException {
        while (true) {
            int available = readEnd - readStart;
            if (available >= Protocol.HEADER_LENGTH) {
                String bad = Protocol.checkHeader(readBuffer, readStart, maxFrameLength);
                if (bad != null) {
                    throw new IOException(address + " sent a bad frame: " + bad);
                }
                int length = Protocol.frameLength(readBuffer, readStart);
                if (available >= length) {
                    frameView.wrap(readBuffer, readStart, length);
                    readStart += length;
                    return frameView;
                }
                ensureRoom(length);
            } else {
                ensureRoom(Protocol.HEADER_LENGTH);
            }
            int n;
            try {
                n = in.read(readBuffer.byteArray(), readEnd, readBuffer.capacity() - readEnd);
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                throw new IOException(address + ": " + describe(e), e);
            }
            if (n < 0) {
                throw new EOFException(address + " closed the connection");
            }
            readEnd += n;
            lastReadNanos = System.nanoTime();
        }
    }

    /** When bytes last came in from the node (System.nanoTime), or when the connection was made if none have. */
    long lastReadNanos() {
        return lastReadNanos;
    }

    /** Makes room for a frame of {@code length} bytes starting at readStart: compacts, then grows. */
    private void ensureRoom(int length) {
        if (readStart + length <= readBuffer.capacity()) {
            if (readEnd == readStart) {
                readStart = 0;
                readEnd = 0;
            }
            return;
        }
        int pending = readEnd - readStart;
        readBuffer.putBytes(0, readBuffer, readStart, pending);
        readStart = 0;
        readEnd = pending;
        if (length > readBuffer.capacity()) {
            readBuffer.checkLimit(length);
        }
    }

    /** "NOT_LEADER: ..." with the node's own words, for messages. */
    static String errorText(DirectBuffer frame) {
        ErrorFrame error = new ErrorFrame();
        String bad = error.wrap(frame, 0, frame.capacity());
        return bad != null ? "malformed ERROR frame: " + bad : ErrorCode.name(error.code()) + ": " + error.message();
    }

    static String describe(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.UnknownHostException) {
            // its message is only the name: status showed "unreachable: nosuch.invalid"
            return m == null ? "unknown host" : "unknown host '" + m + "'";
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing: nothing to report
        }
    }

    @Override
    public String toString() {
        return address.toString();
    }
}
