package io.raftlog.bench.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.raftlog.net.codec.AppendEntriesEncoder;
import io.raftlog.net.transport.Connection;
import io.raftlog.net.transport.FrameHandler;
import io.raftlog.net.transport.Transport;
import io.raftlog.net.transport.TransportConfig;
import io.raftlog.raft.EntryType;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Message rate of 128-byte frames over loopback TCP, one direction, measured as frames delivered per
 * second: each invocation sends {@link #BATCH} frames and waits until the receiver has seen all of them.
 * <ul>
 *   <li>{@code transport}: the benchmark thread offers 128-byte APPEND_ENTRIES frames into a peer
 *       connection's outbound ring (as the raft thread does); one transport thread coalesces them into
 *       writes, the other transport's thread reads, frames and dispatches each to a handler.</li>
 *   <li>{@code transportOffer64}: the same, offering 64 frames back to back per ring operation.</li>
 *   <li>{@code transportOnItsThread}: the sender transport's own thread offers (64 frames at a time), so two
 *       threads share the two cores as in the raw loop.</li>
 *   <li>{@code rawSocketCopy}: the ceiling - a plain blocking socket, the sender writes 64 KiB buffers of
 *       512 ready-made 128-byte messages, a reader thread reads 64 KiB at a time and counts bytes.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED") // Agrona 2 reads Unsafe from there
public class LoopbackMessageRateBenchmark {
    static final int MESSAGE = 128;
    static final int BATCH = 16 * 1024;
    private static final long CLUSTER = 1;

    /** Two transport endpoints, node 2 connected to node 1. */
    @State(Scope.Benchmark)
    public static class Transports {
        final AtomicLong received = new AtomicLong();
        /** Frames the sender transport's own thread should have offered (transportOnItsThread). */
        final AtomicLong onThreadTarget = new AtomicLong();
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(MESSAGE));
        final UnsafeBuffer frames64 = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * MESSAGE));
        Transport receiver;
        Transport sender;
        volatile Connection link;
        long sent;

        @Setup(Level.Trial)
        public void setUp() {
            FrameHandler counting = new FrameHandler() {
                private long count;

                @Override
                public void onFrame(Connection connection, int type, int flags, DirectBuffer buffer, int offset, int length) {
                    received.lazySet(++count);
                }
            };
            receiver = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(1).threadName("bench-receiver"), counting).start();
            InetSocketAddress address = receiver.bind(new InetSocketAddress("127.0.0.1", 0));
            FrameHandler producingOnTransportThread = new FrameHandler() {
                private long offered;

                @Override
                public void onFrame(Connection connection, int type, int flags, DirectBuffer buffer, int offset, int length) {
                }

                @Override
                public int onDutyCycle(long nowNs) {
                    int work = 0;
                    long target = onThreadTarget.get();
                    while (offered < target && link != null && link.offer(frames64, 0, frames64.capacity())) {
                        offered += 64;
                        work++;
                    }
                    return work;
                }
            };
            sender = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(2).threadName("bench-sender"), producingOnTransportThread)
                .start();
            link = sender.connect(address, false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!link.isActive()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no connection");
                }
                Thread.onSpinWait();
            }
            // a 128-byte APPEND_ENTRIES: 52 fixed + one entry of 13 + 63 bytes
            AppendEntriesEncoder encoder = new AppendEntriesEncoder();
            encoder.wrap(frame, 0, MESSAGE, 2, 1, 1, 0, 0, 0);
            encoder.accept(1, 1, EntryType.NOOP, new UnsafeBuffer(new byte[63]), 0, MESSAGE - AppendEntriesEncoder.FIXED_LENGTH - 13);
            if (encoder.frameLength() != MESSAGE) {
                throw new IllegalStateException("frame is " + encoder.frameLength());
            }
            for (int i = 0; i < 64; i++) {
                frames64.putBytes(i * MESSAGE, frame, 0, MESSAGE);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            sender.close();
            receiver.close();
            System.out.println("\nsender " + sender.counters() + "\nreceiver " + receiver.counters());
        }
    }

    /** A plain blocking socket pair and a reader thread. */
    @State(Scope.Benchmark)
    public static class RawSockets {
        final AtomicLong receivedBytes = new AtomicLong();
        final ByteBuffer batch = ByteBuffer.allocateDirect(512 * MESSAGE);
        ServerSocketChannel server;
        SocketChannel out;
        SocketChannel in;
        Thread reader;
        long sentBytes;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            out = SocketChannel.open(server.getLocalAddress());
            out.setOption(StandardSocketOptions.TCP_NODELAY, true);
            in = server.accept();
            for (int i = 0; i < batch.capacity(); i++) {
                batch.put(i, (byte) i);
            }
            reader = new Thread(() -> {
                ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
                long total = 0;
                try {
                    while (true) {
                        buffer.clear();
                        int n = in.read(buffer);
                        if (n < 0) {
                            return;
                        }
                        total += n;
                        receivedBytes.lazySet(total);
                    }
                } catch (IOException e) {
                    // closed at tear-down
                }
            }, "bench-raw-reader");
            reader.setDaemon(true);
            reader.start();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            out.close();
            in.close();
            server.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long transport(Transports t) {
        UnsafeBuffer frame = t.frame;
        Connection link = t.link;
        for (int i = 0; i < BATCH; i++) {
            while (!link.offer(frame, 0, MESSAGE)) {
                if (!link.isActive()) {
                    throw new IllegalStateException("link lost");
                }
                Thread.yield(); // ring full: give the core to the transport threads (3 threads, 2 cores)
            }
        }
        t.sent += BATCH;
        awaitAtLeast(t.received, t.sent);
        return t.sent;
    }

    /** As {@link #transport}, but the sender offers 64 frames back to back per ring operation. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long transportOffer64(Transports t) {
        UnsafeBuffer frames = t.frames64;
        Connection link = t.link;
        for (int i = 0; i < BATCH; i += 64) {
            while (!link.offer(frames, 0, frames.capacity())) {
                if (!link.isActive()) {
                    throw new IllegalStateException("link lost");
                }
                Thread.yield();
            }
        }
        t.sent += BATCH;
        awaitAtLeast(t.received, t.sent);
        return t.sent;
    }

    /**
     * The sender transport's own thread produces (64 frames per offer, in its duty cycle), so two threads
     * do the work, as in {@link #rawSocketCopy}; the benchmark thread only sets the target and waits.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long transportOnItsThread(Transports t) {
        t.sent += BATCH;
        t.onThreadTarget.set(t.sent);
        t.sender.execute(NOTHING); // wakes the sender's thread if it sleeps in its selector
        awaitAtLeast(t.received, t.sent);
        return t.sent;
    }

    private static final Runnable NOTHING = () -> { };

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long rawSocketCopy(RawSockets s) {
        ByteBuffer batch = s.batch;
        try {
            for (int sent = 0; sent < BATCH; sent += 512) {
                batch.clear();
                while (batch.hasRemaining()) {
                    s.out.write(batch);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        s.sentBytes += (long) BATCH * MESSAGE;
        awaitAtLeast(s.receivedBytes, s.sentBytes);
        return s.sentBytes;
    }

    /** Waits without spinning, so the waiting benchmark thread does not take a core from the ones working. */
    static void awaitAtLeast(AtomicLong counter, long target) {
        while (counter.get() < target) {
            LockSupport.parkNanos(20_000);
        }
    }
}
