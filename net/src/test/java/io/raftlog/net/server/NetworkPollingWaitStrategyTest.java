package io.raftlog.net.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.RequestIdFrame;
import io.raftlog.net.codec.Roles;
import io.raftlog.net.transport.Connection;
import io.raftlog.net.transport.FrameHandler;
import io.raftlog.net.transport.Transport;
import io.raftlog.net.transport.TransportConfig;
import io.raftlog.pipeline.Await;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The raft thread's wait when it also runs the network: it must run the transport's duty cycles, and it must
 * wake from its selector when another thread publishes to the ring or stops it. The selector's timeout is
 * set to a minute, so a lost wake-up fails the awaits below (ten seconds) instead of being hidden by the
 * timeout.
 */
class NetworkPollingWaitStrategyTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final AtomicInteger dutyCycles = new AtomicInteger();
    private final AtomicLong lastEvent = new AtomicLong(-1);
    private final List<Long> handled = new CopyOnWriteArrayList<>();
    private Transport transport;
    private BatchEventProcessor<long[]> processor;
    private Thread consumer;

    @AfterEach
    void stop() throws InterruptedException {
        if (processor != null) {
            processor.halt();
            consumer.join(TimeUnit.SECONDS.toMillis(10));
        }
        if (transport != null) {
            transport.close();
        }
    }

    private RingBuffer<long[]> startConsumer() {
        return startConsumer((connection, type, flags, buffer, offset, length) -> { });
    }

    private RingBuffer<long[]> startConsumer(FrameHandler network) {
        TransportConfig config = new TransportConfig().clusterId(1).nodeId(1).role(Roles.NODE).idle(0, 0, 60_000_000_000L);
        NetworkPollingWaitStrategy polling = new NetworkPollingWaitStrategy(config);
        transport = new Transport(config, network);
        polling.drive(transport);
        RingBuffer<long[]> ring = RingBuffer.createMultiProducer(() -> new long[1], 64, polling);
        EventHandler<long[]> handler = (event, sequence, endOfBatch) -> {
            handled.add(event[0]);
            lastEvent.set(event[0]);
        };
        processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), handler);
        ring.addGatingSequences(processor.getSequence());
        consumer = new Thread(processor, "polling-consumer");
        consumer.setDaemon(true);
        consumer.start();
        return ring;
    }

    @Test
    void anEventPublishedByAnotherThreadWakesTheConsumerFromItsSelector() {
        RingBuffer<long[]> ring = startConsumer();
        for (long value = 1; value <= 3; value++) {
            awaitAsleep();
            long seq = ring.next();
            ring.get(seq)[0] = value;
            ring.publish(seq);
            long expected = value;
            Await.until("event " + value + " handled", WAIT, () -> lastEvent.get() == expected);
        }
    }

    @Test
    void aFailingDutyCycleIsLoggedAndSkipsNoEvent() {
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        // Thrown out of the wait, a failure would count as the next event's, which the processor then skips.
        RingBuffer<long[]> ring = startConsumer(new FrameHandler() {
            @Override
            public void onFrame(Connection connection, int type, int flags, DirectBuffer buffer, int offset, int length) {
            }

            @Override
            public int onDutyCycle(long nowNs) {
                failures.incrementAndGet();
                throw new IllegalStateException("injected duty-cycle failure");
            }
        });
        for (long value = 1; value <= 3; value++) {
            // Each event goes in once the wait it ends has run its failing duty cycle (every wait runs one before
            // it blocks): published at once, all three could be handled in one batch without any wait at all.
            long failed = value;
            Await.until("the wait for event " + value + " failed a duty cycle", WAIT, () -> failures.get() >= failed);
            long seq = ring.next();
            ring.get(seq)[0] = value;
            ring.publish(seq);
            long expected = value;
            Await.until("event " + value + " handled", WAIT, () -> handled.size() >= expected);
        }
        assertThat(handled).containsExactly(1L, 2L, 3L);
        assertThat(consumer.isAlive()).isTrue();
    }

    @Test
    void haltingTheProcessorWakesTheConsumerFromItsSelector() throws InterruptedException {
        startConsumer();
        awaitAsleep();
        processor.halt();
        consumer.join(WAIT.toMillis());
        assertThat(consumer.isAlive()).as("the consumer left its selector when halted").isFalse();
        processor = null;
    }

    @Test
    void theConsumerRunsTheTransportsCommandsWhileTheRingIsEmpty() {
        startConsumer();
        awaitAsleep();
        transport.execute(dutyCycles::incrementAndGet);
        Await.until("the command ran on the consumer thread", WAIT, () -> dutyCycles.get() == 1);
    }

    @Test
    void aFrameThatWakesTheConsumerIsHandledAwakeAndItsEventIsNotSleptThrough() {
        // The frame handler publishes to the ring as the node's does; if it ran while the transport still
        // counted as asleep, that publish would wake the selector from its own thread (three wasted calls).
        AtomicReference<RingBuffer<long[]>> ringOfHandler = new AtomicReference<>();
        AtomicInteger framesHandledAsleep = new AtomicInteger();
        AtomicLong frames = new AtomicLong();
        RingBuffer<long[]> ring = startConsumer((connection, type, flags, buffer, offset, length) -> {
            if (transport.isSleeping()) {
                framesHandledAsleep.incrementAndGet();
            }
            RingBuffer<long[]> r = ringOfHandler.get();
            long seq = r.next();
            r.get(seq)[0] = 100 + frames.incrementAndGet();
            r.publish(seq);
        });
        ringOfHandler.set(ring);
        InetSocketAddress address = transport.bind(new InetSocketAddress("127.0.0.1", 0));
        try (Transport client = new Transport(new TransportConfig().clusterId(1).role(Roles.CLIENT),
            (connection, type, flags, buffer, offset, length) -> { }).start()) {
            Connection toNode = client.connect(address, false);
            Await.until("the client connects", WAIT, toNode::isActive);
            UnsafeBuffer frame = new UnsafeBuffer(new byte[RequestIdFrame.LENGTH]);
            for (long i = 1; i <= 3; i++) {
                awaitAsleep();
                int length = new RequestIdFrame().encode(frame, 0, FrameType.STATUS_REQUEST, i);
                assertThat(toNode.offer(frame, 0, length)).isTrue();
                long expected = 100 + i;
                Await.until("the event of frame " + i + " handled", WAIT, () -> lastEvent.get() == expected);
            }
        }
        assertThat(framesHandledAsleep).as("frames handled while the transport still counted as asleep").hasValue(0);
    }

    /** Waits until the consumer blocks in the selector (the state in which a wake-up can be lost). */
    private void awaitAsleep() {
        Await.until("the consumer blocks in the selector", WAIT,
            () -> transport.isSleeping());
    }
}
