package io.raftlog.peers.aeron;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;

import io.aeron.Publication;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.driver.MediaDriver;
import io.aeron.logbuffer.Header;
import io.raftlog.bench.AppendTarget;
import io.raftlog.net.client.AppendCallback;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Appends through Aeron Cluster's own client, {@link AeronCluster}, with a media driver of its own. Each
 * message is an eight-byte correlation number followed by the payload; {@link AckService} answers with the
 * number once the message is committed. A thread of this target polls the egress and completes the appends.
 *
 * <p>AeronCluster is not thread-safe, so the generator's offers and the poller's polls take one lock, each
 * for one call. Answers come in the order of the offers (one session, one log), so the callbacks wait in a
 * ring indexed by correlation number; nothing is allocated per append.
 */
final class AeronClusterTarget implements AppendTarget, EgressListener {
    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final MediaDriver clientDriver;
    private final AeronCluster client;
    private final AutoCloseable cluster;
    private final String path;
    private final Path dataDir;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicReferenceArray<AppendCallback> waiting;
    private final UnsafeBuffer message;
    private final IdleStrategy offerIdle = PeerIdle.newStrategy();
    private final Thread poller;
    private volatile boolean running = true;
    private long nextCorrelation = 1; // the generator's thread
    private long expectedAnswer = 1; // the poller's thread
    /**
     * Correlations answered in the current poll, acknowledged once the lock is released: the acknowledgement runs
     * the generator's bookkeeping and may wake it, and holding the client's lock meanwhile kept the generator's
     * next offer waiting (found in review; raftlog's client runs its callbacks outside its lock too).
     */
    private final LongArrayList answered = new LongArrayList();

    AeronClusterTarget(String aeronDir, PeerPorts ports, int window, int maxPayload, AutoCloseable cluster, String path,
                       Path dataDir) {
        this.cluster = cluster;
        this.path = path;
        this.dataDir = dataDir;
        this.waiting = new AtomicReferenceArray<>(window);
        this.message = new UnsafeBuffer(new byte[AckService.CORRELATION_BYTES + maxPayload]);
        this.clientDriver = MediaDriver.launchEmbedded(PeerIdle.driverContext(aeronDir));
        try {
            this.client = AeronCluster.connect(new AeronCluster.Context()
                .aeronDirectoryName(clientDriver.aeronDirectoryName())
                .ingressChannel("aeron:udp")
                .ingressEndpoints(ports.ingressEndpoints())
                .egressChannel("aeron:udp?endpoint=localhost:0")
                .messageTimeoutNs(TimeUnit.SECONDS.toNanos(30))
                .egressListener(this));
        } catch (RuntimeException e) {
            CloseHelper.quietClose(clientDriver);
            throw e;
        }
        this.poller = new Thread(this::pollEgress, "aeron-cluster-egress");
        this.poller.setDaemon(true);
        this.poller.start();
    }

    @Override
    public void append(DirectBuffer payload, int offset, int length, AppendCallback callback) {
        long correlation = nextCorrelation++;
        waiting.set(slot(correlation), callback); // before the offer: the answer may come at once
        message.putLong(0, correlation);
        message.putBytes(AckService.CORRELATION_BYTES, payload, offset, length);
        offerIdle.reset();
        while (true) {
            long result;
            lock.lock();
            try {
                result = client.offer(message, 0, AckService.CORRELATION_BYTES + length);
            } finally {
                lock.unlock();
            }
            if (result > 0) {
                return;
            }
            if (result == Publication.NOT_CONNECTED || result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED) {
                waiting.set(slot(correlation), null);
                callback.onFailed(correlation, new IllegalStateException("Aeron Cluster ingress refused the offer: " + result));
                return;
            }
            offerIdle.idle(); // back-pressured or an admin action: retry
        }
    }

    private void pollEgress() {
        IdleStrategy idle = PeerIdle.newStrategy();
        long keepAliveDue = System.nanoTime() + KEEP_ALIVE_NANOS;
        while (running) {
            int work;
            lock.lock();
            try {
                work = client.pollEgress();
                long now = System.nanoTime();
                if (now - keepAliveDue >= 0) {
                    client.sendKeepAlive();
                    keepAliveDue = now + KEEP_ALIVE_NANOS;
                }
            } catch (RuntimeException | Error e) {
                acknowledgeAnswered(); // what was answered before the failure did commit
                failWaiting(e); // counted as errors of the run, where a dead poller would only show as a stall
                return;
            } finally {
                lock.unlock();
            }
            acknowledgeAnswered();
            idle.idle(work);
        }
    }

    private void failWaiting(Throwable cause) {
        for (int i = 0; i < waiting.length(); i++) {
            AppendCallback callback = waiting.getAndSet(i, null);
            if (callback != null) {
                callback.onFailed(-1, cause);
            }
        }
    }

    @Override
    public void onMessage(long clusterSessionId, long timestamp, DirectBuffer buffer, int offset, int length, Header header) {
        long correlation = buffer.getLong(offset);
        if (correlation != expectedAnswer) {
            throw new IllegalStateException("Aeron Cluster answered " + correlation + " where " + expectedAnswer + " was due");
        }
        expectedAnswer++;
        answered.addLong(correlation);
    }

    private void acknowledgeAnswered() {
        for (int i = 0, n = answered.size(); i < n; i++) {
            long correlation = answered.getLong(i);
            AppendCallback callback = waiting.getAndSet(slot(correlation), null);
            if (callback != null) {
                callback.onAppended(correlation, correlation);
            }
        }
        answered.clear();
    }

    private int slot(long correlation) {
        return (int) (correlation % waiting.length());
    }

    @Override
    public String system() {
        return AeronClusterPeer.NAME;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Path dataDirectory() {
        return dataDir;
    }

    @Override
    public void close() {
        running = false;
        try {
            poller.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            CloseHelper.closeAll(client, clientDriver);
        } finally {
            try {
                cluster.close();
            } catch (Exception e) {
                throw new IllegalStateException("stopping the Aeron Cluster members: " + e.getMessage(), e);
            }
        }
    }
}
