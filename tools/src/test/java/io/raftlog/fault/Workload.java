package io.raftlog.fault;

import io.raftlog.net.client.EntryHandler;
import io.raftlog.net.client.LogClient;
import io.raftlog.net.client.OnCompacted;
import io.raftlog.net.client.TailSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.DirectBuffer;

/**
 * The clients of a fault run. Producers append unique payloads ({@link Payloads}) at a paced rate with a
 * few appends outstanding each, through their own {@link LogClient} (its retries and exactly-once
 * sequences are under test too); every append is recorded at invocation and completed in the history when
 * its future completes, however late. Consumers tail from index 1, each starting at a different node
 * and failing over to the others, and record every entry they are handed, every range their tail reports
 * dropped on every node before they read it (retention), and their tail's failure should it end before the
 * run closes it.
 *
 * <p>The client reports an append it gave up on as "may still commit", so such appends are recorded as
 * UNKNOWN, never as definitely failed.
 */
final class Workload implements AutoCloseable {

    record Settings(int producers, int consumers, int window, int ratePerProducer, int maxPadding, Duration appendTimeout) {
    }

    private final Cluster cluster;
    private final History history;
    private final Settings settings;
    private final long seed;
    private final List<LogClient> clients = new ArrayList<>();
    private final List<Thread> producers = new ArrayList<>();
    private final List<TailSubscription> tails = new ArrayList<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile boolean producing = true;
    private volatile boolean closing;

    Workload(Cluster cluster, History history, Settings settings, long seed) {
        this.cluster = cluster;
        this.history = history;
        this.settings = settings;
        this.seed = seed;
    }

    /** Addresses starting at {@code first} and wrapping around, so each consumer prefers its own node. */
    private String addressesFrom(int first) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < cluster.nodes(); k++) {
            int node = 1 + (first - 1 + k) % cluster.nodes();
            sb.append(k == 0 ? "" : ",").append("127.0.0.1:").append(cluster.realAddress(node).getPort());
        }
        return sb.toString();
    }

    void start() {
        for (int c = 1; c <= settings.consumers(); c++) {
            int consumer = c;
            history.consumer(consumer);
            LogClient client = LogClient.builder(addressesFrom(1 + (c - 1) % cluster.nodes()))
                .connectTimeout(Duration.ofMillis(500)).timeout(Duration.ofMinutes(10)).build();
            clients.add(client);
            // SKIP, as any tail from index 1: entries dropped on every node before this consumer read them are
            // skipped and reported, which the history records; the checker accepts a gap only there.
            TailSubscription tail = client.tail(1, true, OnCompacted.SKIP, new EntryHandler() {
                @Override
                public void onEntry(long index, DirectBuffer buffer, int offset, int length) {
                    byte[] b = new byte[length];
                    buffer.getBytes(offset, b);
                    history.seen(consumer, System.nanoTime(), index, b);
                }

                @Override
                public void skipped(long fromIndex, long toIndex) {
                    history.skipped(consumer, System.nanoTime(), fromIndex, toIndex);
                }
            });
            tails.add(tail);
            // A following tail ends only when closed: one that ends before is a consumer that stopped reading.
            tail.done().whenComplete((ignored, error) -> {
                if (error != null) {
                    history.tailFailed(consumer, System.nanoTime(), oneLine(error));
                } else if (!closing) {
                    history.tailFailed(consumer, System.nanoTime(), "the tail ended before the run closed it, at index "
                        + tail.nextIndex());
                }
            });
        }
        for (int p = 1; p <= settings.producers(); p++) {
            int producer = p;
            LogClient client = LogClient.builder(addressesFrom(1 + (p - 1) % cluster.nodes()))
                .seed(seed * 31 + p)
                .window(settings.window())
                .timeout(settings.appendTimeout())
                .connectTimeout(Duration.ofMillis(500))
                .requestTimeout(Duration.ofSeconds(1))
                .build();
            clients.add(client);
            Thread t = new Thread(() -> produce(producer, client), "fault-producer-" + p);
            t.setDaemon(true);
            producers.add(t);
            t.start();
        }
    }

    private void produce(int producer, LogClient client) {
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + producer);
        Semaphore window = new Semaphore(settings.window());
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, settings.ratePerProducer());
        long next = System.nanoTime();
        for (long counter = 0; producing; counter++) {
            try {
                while (producing && !window.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                    // all outstanding: wait for a completion
                }
            } catch (InterruptedException e) {
                return;
            }
            if (!producing) {
                return;
            }
            String key = Payloads.key(producer, counter);
            // Mostly small payloads, sometimes a few KiB, so frames of different sizes cross the faults.
            int padding = rnd.nextInt(10) == 0 ? rnd.nextInt(settings.maxPadding() + 1) : rnd.nextInt(64);
            byte[] payload = Payloads.encode(key, padding);
            History.Op op = history.invoke(producer, key, padding, System.nanoTime());
            outstanding.incrementAndGet();
            CompletableFuture<Long> f;
            try {
                f = client.append(payload);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((index, error) -> {
                long now = System.nanoTime();
                if (error == null) {
                    op.ok(now, index);
                } else {
                    op.failed(now, oneLine(error));
                }
                outstanding.decrementAndGet();
                window.release();
            });
            // Paced: after a stall (window full during a fault) catch up by at most ten appends, not a burst.
            next = Math.max(next + periodNanos, System.nanoTime() - periodNanos * 10);
            if (!Await.pauseUntil(next)) {
                return;
            }
        }
    }

    /** Stops invoking new appends (those outstanding still complete). */
    void stopProducing() {
        producing = false;
        for (Thread t : producers) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Appends invoked at or after {@code nanos} ({@link System#nanoTime()}) that were acknowledged so far. */
    long acknowledgedInvokedSince(long nanos) {
        return history.ops().stream().filter(o -> o.invokeNanos >= nanos && o.outcome == History.Outcome.OK).count();
    }

    int outstanding() {
        return outstanding.get();
    }

    /** The next index each consumer waits for. */
    List<Long> consumerPositions() {
        return tails.stream().map(TailSubscription::nextIndex).toList();
    }

    @Override
    public void close() {
        producing = false;
        closing = true;
        tails.forEach(TailSubscription::close);
        clients.forEach(LogClient::close);
    }

    /** The innermost useful message, on one line (the history holds one record per line). */
    static String oneLine(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && (c instanceof java.util.concurrent.CompletionException || c.getMessage() == null)) {
            c = c.getCause();
        }
        String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        return m.replace('\n', ' ').replace('\t', ' ');
    }
}
