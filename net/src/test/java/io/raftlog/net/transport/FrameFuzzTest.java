package io.raftlog.net.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.HandshakeFrame;
import io.raftlog.net.codec.Protocol;
import io.raftlog.net.codec.Roles;
import io.raftlog.net.transport.TransportCounters.Counter;
import io.raftlog.pipeline.Await;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded fuzzing of the codec and of a live node endpoint with random, mutated and valid frames. The seed
 * is printed; replay a run with {@code -Draftlog.fuzz.seed=<seed>} ({@code -Draftlog.fuzz.frames=<n>} to
 * change the count from 1,000,000 per test).
 */
class FrameFuzzTest {
    private static final long SEED = Long.getLong("raftlog.fuzz.seed", System.nanoTime());
    private static final int FRAMES = Integer.getInteger("raftlog.fuzz.frames", 1_000_000);
    private static final int MAX_FRAME = 64 * 1024;
    private static final long CLUSTER = 11;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void decodersRejectOrReadEveryRandomAndMutatedFrameWithinItsBounds() {
        System.out.println("FrameFuzzTest decoder seed=" + SEED + " frames=" + FRAMES + " (replay: -Draftlog.fuzz.seed=" + SEED + ")");
        FrameGenerator generator = new FrameGenerator(new SplittableRandom(SEED));
        SplittableRandom random = generator.random();
        byte[] bytes = new byte[FrameGenerator.MAX_VALID_LENGTH + 256];
        UnsafeBuffer write = new UnsafeBuffer(bytes);
        UnsafeBuffer exact = new UnsafeBuffer(bytes); // re-wrapped to each frame's length: reads beyond it throw
        AnyFrameReader reader = new AnyFrameReader(MAX_FRAME);
        long valid = 0;
        long mutatedButValid = 0;
        for (int i = 0; i < FRAMES; i++) {
            int kind = random.nextInt(10);
            int length = kind == 9 ? generator.noise(write, 0) : generator.validAnyType(write, 0);
            if (kind >= 3 && kind < 9) {
                length = generator.mutate(write, 0, length);
            }
            // a receiver hands a decoder exactly the bytes the length field claims, when they are all there
            int declared = length >= Protocol.HEADER_LENGTH ? write.getInt(0, Protocol.ORDER) : length;
            int frameLength = declared >= Protocol.HEADER_LENGTH && declared <= length ? declared : length;
            exact.wrap(bytes, 0, frameLength);
            String bad;
            try {
                bad = reader.read(exact, 0, frameLength);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + SEED + " frame " + i + ": decoding threw on "
                    + HexFormat.of().formatHex(bytes, 0, frameLength), e);
            }
            if (kind < 3) {
                assertThat(bad).as("seed %d frame %d: a valid frame was refused", SEED, i).isNull();
                valid++;
            } else if (bad == null) {
                mutatedButValid++;
            }
        }
        System.out.println("FrameFuzzTest decoder: " + valid + " valid, " + mutatedButValid
            + " mutated or random frames still valid, the rest refused; sink=" + reader.sink);
        assertThat(valid + mutatedButValid).isLessThan(FRAMES);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aLiveNodeSurvivesAMillionRandomAndMutatedFramesAndKeepsServing() throws IOException {
        long seed = SEED ^ 0x9E3779B97F4A7C15L;
        System.out.println("FrameFuzzTest transport seed=" + SEED + " frames=" + FRAMES + " (replay: -Draftlog.fuzz.seed=" + SEED + ")");
        MiniNode mini = new MiniNode(1, MAX_FRAME);
        Transport node = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(1).maxFrameLength(MAX_FRAME)
            .outboundRingCapacity(16 * 1024).clientRingCapacity(16 * 1024).handshakeTimeoutNs(2_000_000_000L), mini).start();
        try {
            InetSocketAddress address = node.bind(new InetSocketAddress("127.0.0.1", 0));
            FrameGenerator generator = new FrameGenerator(new SplittableRandom(seed));
            SplittableRandom random = generator.random();
            ByteBuffer batch = ByteBuffer.allocateDirect(256 * 1024);
            UnsafeBuffer out = new UnsafeBuffer(batch);
            long sent = 0;
            long mutated = 0;
            int connections = 0;
            while (sent < FRAMES) {
                connections++;
                try (SocketChannel channel = SocketChannel.open(address)) {
                    int at = 0;
                    if (random.nextInt(50) == 0) {
                        at = generator.noise(out, 0); // a connection that only ever sends noise
                        sent++;
                    } else {
                        int role = random.nextBoolean() ? Roles.NODE : Roles.CLIENT;
                        at = new HandshakeFrame().encode(out, 0, FrameType.HANDSHAKE, CLUSTER, role == Roles.NODE ? 2 + random.nextInt(5) : 0, role, 0);
                        int frames = 1 + random.nextInt(5000);
                        for (int f = 0; f < frames && sent < FRAMES; f++) {
                            if (at > batch.capacity() - FrameGenerator.MAX_VALID_LENGTH - 128) {
                                if (!writeAll(channel, batch, at)) {
                                    break; // the node closed it: a mutated frame did its job
                                }
                                at = 0;
                            }
                            boolean anyType = random.nextInt(2000) == 0; // often not allowed for the role
                            int length = anyType ? generator.validAnyType(out, at) : generator.validFor(role, out, at);
                            boolean mutate = random.nextInt(1000) == 0;
                            if (mutate) {
                                length = generator.mutate(out, at, length);
                                mutated++;
                            }
                            at += length;
                            sent++;
                            if (mutate || anyType) {
                                break; // the node will likely close this connection; start the next one
                            }
                        }
                    }
                    if (writeAll(channel, batch, at)) {
                        drainUntilClosed(channel, batch); // the node sees all of it, then our end of stream
                    }
                }
            }
            System.out.println("FrameFuzzTest transport: sent " + sent + " frames (" + mutated + " mutated) over " + connections
                + " connections; node counters: " + node.counters());

            // the node still works for a well-behaved client
            RecordingHandler answers = new RecordingHandler();
            try (Transport client = new Transport(new TransportConfig().clusterId(CLUSTER).role(Roles.CLIENT), answers).start()) {
                Connection connection = client.connect(address, false);
                Await.until("a client connects after the fuzzing", Duration.ofSeconds(30), connection::isActive);
                UnsafeBuffer request = new UnsafeBuffer(new byte[16]);
                new io.raftlog.net.codec.RequestIdFrame().encode(request, 0, FrameType.STATUS_REQUEST, 1);
                assertThat(connection.offer(request, 0, 16)).isTrue();
                Await.until("its status request is answered", Duration.ofSeconds(30), () -> answers.frameCount.get() == 1);
            }
            assertThat(node.counters().get(Counter.HANDLER_ERRORS)).as("seed %d: the handler never threw", SEED).isZero();
            assertThat(node.counters().get(Counter.PROTOCOL_ERRORS)).isPositive();
            assertThat(node.counters().get(Counter.FRAMES_RECEIVED)).as("most frames reached the node").isGreaterThan(FRAMES / 2);
            assertThat(mini.framesDecoded.get()).isPositive();
        } finally {
            node.close();
        }
    }

    /** Ends our side and reads (and drops) the node's answers until it closes its side. */
    private static void drainUntilClosed(SocketChannel channel, ByteBuffer scratch) {
        try {
            channel.shutdownOutput();
            scratch.clear();
            while (channel.read(scratch) >= 0) {
                scratch.clear();
            }
        } catch (IOException e) {
            // reset by the node: closed as well
        } finally {
            scratch.clear();
        }
    }

    /** Writes the batch; false if the node closed the connection. */
    private static boolean writeAll(SocketChannel channel, ByteBuffer batch, int length) {
        batch.clear().limit(length);
        try {
            while (batch.hasRemaining()) {
                channel.write(batch);
            }
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            batch.clear();
        }
    }
}
