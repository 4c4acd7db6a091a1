package io.raftlog.net.server;

import java.util.function.BooleanSupplier;

import io.raftlog.net.transport.Transport;
import io.raftlog.net.transport.TransportConfig;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the raft thread waits when it also runs the node's network ({@code --threading shared}): between two
 * batches it runs one duty cycle of the transport, so the AppendEntries and answers the last batch produced
 * go out; if the ring is then empty it blocks in the transport's selector at once, whose select reads what
 * has arrived (returning at once if anything has: one system call per wake-up, where polling first took
 * three). While other threads keep the ring busy, each cycle polls the sockets too. Network input wakes it
 * in the selector; the other producers of the ring (ticker, flusher, shutdown) wake it through
 * {@link #signalAllWhenBlocking}, which costs a wake-up (one write to a pipe) only while it sleeps.
 *
 * <p>It neither spins nor yields before blocking, unlike a dedicated transport thread: measured in
 * alternation against 20 spins and 10 yields (docs/BENCHMARKS.md), blocking at once gave W1 776-812k vs
 * 668-745k appends/s, W1 fsync 434-482k vs 399-451k, and W2 the same latencies; on two cores a thread that
 * yields hands the core to another node's thread only to want it back.
 *
 * <p>Why: with a transport thread of its own, every message a node receives or sends is handed between two
 * threads, and each hand-off is a wake-up; three nodes and a client share two cores in the benchmarks, where
 * the scheduler was the largest item of the profile (docs/BENCHMARKS.md).
 *
 * <p>Not thread-safe by design: only the ring's one consumer (the raft thread) may wait on it.
 */
final class NetworkPollingWaitStrategy implements WaitStrategy, BooleanSupplier {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkPollingWaitStrategy.class);
    private final long blockNs;
    private Transport transport;
    // What the current wait is for; read by getAsBoolean() from inside Transport.block (same thread).
    private Sequence waitedSequence;
    private long waitedFor;
    private SequenceBarrier waitedBarrier;

    NetworkPollingWaitStrategy(TransportConfig config) {
        this.blockNs = config.idleBlockNs();
    }

    /** The transport whose duty cycle the raft thread runs; set before the pipeline starts. */
    void drive(Transport t) {
        this.transport = t;
    }

    @Override
    public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
        throws AlertException {
        if (dependentSequence.get() >= sequence) {
            // Events are waiting (another thread published them): a full cycle, reading input too, so the
            // network is still served however long the ring stays busy.
            dutyCycle(true);
            return dependentSequence.get();
        }
        // Send what the last batch produced, then block: the selector's select reads what has arrived, and
        // returns at once if anything has, so a poll before it would only cost a system call.
        dutyCycle(false);
        long available = dependentSequence.get();
        while (available < sequence) {
            barrier.checkAlert();
            waitedSequence = dependentSequence;
            waitedFor = sequence;
            waitedBarrier = barrier;
            sleep();
            available = dependentSequence.get();
            if (available < sequence) {
                // Woken for something else (a command, a socket that takes writes again, a timeout): do it.
                dutyCycle(true);
                available = dependentSequence.get();
            }
        }
        return available;
    }

    /**
     * One transport duty cycle; a failure is logged and the wait goes on, as a transport thread of its own
     * does (Agrona's AgentRunner). It must not leave this method: the Disruptor's processor treats anything
     * thrown by a wait as the failure of the next event, which it would then skip unprocessed.
     */
    private int dutyCycle(boolean pollInput) {
        try {
            return transport.doWork(pollInput);
        } catch (RuntimeException | Error e) {
            LOG.error("transport duty cycle failed", e);
            return 0;
        }
    }

    /** Blocks in the selector, whose ready keys are handled in there; a failure is handled as above. */
    private void sleep() {
        try {
            transport.block(blockNs, this);
        } catch (RuntimeException | Error e) {
            LOG.error("transport failed while waiting", e);
        }
    }

    /** Inside {@link Transport#block}: an event or an alert arrived after the last look at the ring. */
    @Override
    public boolean getAsBoolean() {
        return waitedSequence.get() >= waitedFor || waitedBarrier.isAlerted();
    }

    @Override
    public void signalAllWhenBlocking() {
        Transport t = transport;
        if (t != null) {
            t.wakeUpIfSleeping();
        }
    }
}
