package io.raftlog.net.transport;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.DirectBuffer;

/** A test handler that keeps copies of what it is told (tests may allocate). */
class RecordingHandler implements FrameHandler {
    record Frame(Connection connection, int type, byte[] bytes) {
    }

    final ConcurrentLinkedQueue<Frame> frames = new ConcurrentLinkedQueue<>();
    final CopyOnWriteArrayList<Connection> connected = new CopyOnWriteArrayList<>();
    final CopyOnWriteArrayList<String> closed = new CopyOnWriteArrayList<>();
    final AtomicInteger frameCount = new AtomicInteger();
    final AtomicLong dutyCycles = new AtomicLong();

    @Override
    public void onFrame(Connection connection, int type, int flags, DirectBuffer buffer, int offset, int length) {
        byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        frames.add(new Frame(connection, type, copy));
        frameCount.incrementAndGet();
    }

    @Override
    public int onDutyCycle(long nowNs) {
        dutyCycles.incrementAndGet();
        return 0;
    }

    @Override
    public void onConnected(Connection connection) {
        connected.add(connection);
    }

    @Override
    public void onClosed(Connection connection, String reason) {
        closed.add(connection.id() + ": " + reason);
    }
}
