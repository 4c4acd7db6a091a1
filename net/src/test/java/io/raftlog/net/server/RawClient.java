package io.raftlog.net.server;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import io.raftlog.net.codec.AppendAckFrame;
import io.raftlog.net.codec.ClientAppendEncoder;
import io.raftlog.net.codec.EndOfLogFrame;
import io.raftlog.net.codec.EntriesDecoder;
import io.raftlog.net.codec.ErrorFrame;
import io.raftlog.net.codec.FetchFrame;
import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.HandshakeFrame;
import io.raftlog.net.codec.Protocol;
import io.raftlog.net.codec.RequestIdFrame;
import io.raftlog.net.codec.Roles;
import io.raftlog.net.codec.StatusFrame;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * A blocking client speaking the wire protocol directly with the codec, one request at a time: the
 * server tests check the node, not the Java client's retry logic.
 */
final class RawClient implements AutoCloseable {
    /** The answer to an append: an ack (errorCode 0) or an ERROR, which may say that it appended nothing. */
    record AppendAnswer(long firstIndex, int count, int errorCode, int leaderId, String address, String message,
                        boolean notAppended) {
        boolean acked() {
            return errorCode == 0;
        }
    }

    record Entry(long index, byte[] payload) {
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final UnsafeBuffer send = new UnsafeBuffer(new byte[1 << 20]);
    private byte[] frame = new byte[1 << 16];
    private final UnsafeBuffer received = new UnsafeBuffer(frame);
    private long requestIds;

    RawClient(InetSocketAddress address, long clusterId) throws IOException {
        socket = new Socket();
        socket.connect(address, 5000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        int len = new HandshakeFrame().encode(send, 0, FrameType.HANDSHAKE, clusterId, 0, Roles.CLIENT, 0);
        write(len);
        int type = readFrame();
        if (type != FrameType.HANDSHAKE_ACCEPT) {
            throw new IOException("handshake answered with " + describe(type));
        }
    }

    AppendAnswer append(long clientId, long firstSequence, byte[]... payloads) throws IOException {
        ClientAppendEncoder e = new ClientAppendEncoder().wrap(send, 0, send.capacity(), clientId, firstSequence);
        for (byte[] p : payloads) {
            e.add(new UnsafeBuffer(p), 0, p.length);
        }
        write(e.frameLength());
        int type = readFrame();
        if (type == FrameType.APPEND_ACK) {
            AppendAckFrame ack = new AppendAckFrame();
            check(ack.wrap(received, 0, frameLength()));
            if (ack.clientId() != clientId || ack.firstSequence() != firstSequence) {
                throw new IOException("ack for " + ack.clientId() + "/" + ack.firstSequence() + ", expected "
                    + clientId + "/" + firstSequence);
            }
            return new AppendAnswer(ack.firstIndex(), ack.count(), 0, 0, null, null, false);
        }
        if (type == FrameType.ERROR) {
            ErrorFrame err = new ErrorFrame();
            check(err.wrap(received, 0, frameLength()));
            return new AppendAnswer(-1, 0, err.code(), err.leaderId(), err.address(), err.message(), err.notAppended());
        }
        throw new IOException("append answered with " + describe(type));
    }

    /** Reads committed entries from {@code from} up to the end of the log (no follow). */
    List<Entry> fetchAll(long from) throws IOException {
        long id = ++requestIds;
        write(new FetchFrame().encode(send, 0, id, from, 64 * 1024, false));
        List<Entry> entries = new ArrayList<>();
        EntriesDecoder decoder = EntriesDecoder.forMaxFrameLength(Protocol.DEFAULT_MAX_FRAME_LENGTH);
        while (true) {
            int type = readFrame();
            if (type == FrameType.ENTRIES) {
                check(decoder.wrap(received, 0, frameLength()));
                for (int i = 0; i < decoder.count(); i++) {
                    byte[] p = new byte[decoder.payloadLength(i)];
                    received.getBytes(decoder.payloadOffset(i), p);
                    entries.add(new Entry(decoder.index(i), p));
                }
            } else if (type == FrameType.END_OF_LOG) {
                EndOfLogFrame end = new EndOfLogFrame();
                check(end.wrap(received, 0, frameLength()));
                return entries;
            } else {
                throw new IOException("fetch answered with " + describe(type));
            }
        }
    }

    /** Starts a following fetch from {@code from}; read what it pushes with {@link #readFollowed}. */
    void follow(long from) throws IOException {
        write(new FetchFrame().encode(send, 0, ++requestIds, from, 64 * 1024, true));
    }

    /** Reads pushed frames of a following fetch until an entry at {@code index} or beyond arrives. */
    List<Entry> readFollowed(long index) throws IOException {
        List<Entry> entries = new ArrayList<>();
        EntriesDecoder decoder = EntriesDecoder.forMaxFrameLength(Protocol.DEFAULT_MAX_FRAME_LENGTH);
        while (entries.isEmpty() || entries.get(entries.size() - 1).index() < index) {
            int type = readFrame();
            if (type == FrameType.ENTRIES) {
                check(decoder.wrap(received, 0, frameLength()));
                for (int i = 0; i < decoder.count(); i++) {
                    byte[] p = new byte[decoder.payloadLength(i)];
                    received.getBytes(decoder.payloadOffset(i), p);
                    entries.add(new Entry(decoder.index(i), p));
                }
            } else if (type != FrameType.END_OF_LOG) {
                throw new IOException("following fetch answered with " + describe(type));
            }
        }
        return entries;
    }

    StatusFrame status() throws IOException {
        write(new RequestIdFrame().encode(send, 0, FrameType.STATUS_REQUEST, ++requestIds));
        int type = readFrame();
        if (type != FrameType.STATUS) {
            throw new IOException("status answered with " + describe(type));
        }
        StatusFrame s = new StatusFrame();
        check(s.wrap(received, 0, frameLength()));
        return s;
    }

    private String describe(int type) {
        if (type == FrameType.ERROR) {
            ErrorFrame err = new ErrorFrame();
            String bad = err.wrap(received, 0, frameLength());
            return bad != null ? "a malformed ERROR: " + bad : err.toString();
        }
        return FrameType.name(type);
    }

    private static void check(String bad) throws IOException {
        if (bad != null) {
            throw new IOException("malformed frame: " + bad);
        }
    }

    private int frameLength() {
        return Protocol.frameLength(received, 0);
    }

    private void write(int length) throws IOException {
        out.write(send.byteArray(), 0, length);
        out.flush();
    }

    private int readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        int b2 = in.readUnsignedByte();
        int b3 = in.readUnsignedByte();
        int length = b0 | b1 << 8 | b2 << 16 | b3 << 24;
        if (length < Protocol.HEADER_LENGTH || length > Protocol.DEFAULT_MAX_FRAME_LENGTH) {
            throw new IOException("bad frame length " + length);
        }
        if (frame.length < length) {
            frame = new byte[length];
            received.wrap(frame);
        }
        frame[0] = (byte) b0;
        frame[1] = (byte) b1;
        frame[2] = (byte) b2;
        frame[3] = (byte) b3;
        in.readFully(frame, 4, length - 4);
        return Protocol.type(received, 0);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
