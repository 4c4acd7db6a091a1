package io.raftlog.net.transport;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;

import io.raftlog.net.codec.ErrorFrame;
import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.HandshakeFrame;
import io.raftlog.net.codec.Protocol;
import org.agrona.concurrent.UnsafeBuffer;

/** A blocking socket that speaks raw bytes to an endpoint: the misbehaving side of the bad-input tests. */
final class RawPeer implements AutoCloseable {
    final Socket socket;
    private final DataInputStream in;

    RawPeer(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
    }

    static byte[] handshake(int version, long clusterId, int nodeId, int role) {
        return handshake(version, clusterId, nodeId, role, 0);
    }

    static byte[] handshake(int version, long clusterId, int nodeId, int role, long members) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[HandshakeFrame.LENGTH]);
        new HandshakeFrame().encode(b, 0, FrameType.HANDSHAKE, clusterId, nodeId, role, members);
        b.putByte(Protocol.VERSION_OFFSET, (byte) version);
        return b.byteArray();
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** The next whole frame, or null at end of stream. */
    byte[] readFrame() throws IOException {
        byte[] header = new byte[Protocol.HEADER_LENGTH];
        try {
            in.readFully(header);
        } catch (EOFException e) {
            return null;
        }
        int length = new UnsafeBuffer(header).getInt(0, Protocol.ORDER);
        byte[] frame = new byte[length];
        System.arraycopy(header, 0, frame, 0, header.length);
        in.readFully(frame, header.length, length - header.length);
        return frame;
    }

    /** Reads frames until an ERROR and returns it; fails on end of stream. */
    ErrorFrame readError() throws IOException {
        for (byte[] frame = readFrame(); frame != null; frame = readFrame()) {
            if (Protocol.type(new UnsafeBuffer(frame), 0) == FrameType.ERROR) {
                ErrorFrame error = new ErrorFrame();
                String bad = error.wrap(new UnsafeBuffer(frame), 0, frame.length);
                if (bad != null) {
                    throw new AssertionError("bad error frame: " + bad);
                }
                return error;
            }
        }
        throw new AssertionError("connection ended without an ERROR frame");
    }

    /** True once the endpoint closed the connection (read returns end of stream or a reset). */
    boolean closedByRemote() throws IOException {
        try {
            return readFrame() == null;
        } catch (SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
