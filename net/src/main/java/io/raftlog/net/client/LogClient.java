package io.raftlog.net.client;

import io.raftlog.net.codec.Protocol;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The Java client of a raftlog cluster, built from the addresses of its nodes.
 *
 * <p><b>Appends</b> are asynchronous and exactly-once: each gets the next sequence of this client's random
 * clientId; the client finds the leader (following NOT_LEADER redirects), keeps up to {@code window}
 * appends outstanding (an append blocks while the window is full), and after a timeout, a lost connection
 * or a leader change resends every unacknowledged append with its original sequence, which the cluster
 * answers with the original index instead of appending twice. An append not acknowledged within
 * {@code timeout} fails with a {@link LogClientException} that says what was wrong (no leader among the
 * nodes, the last error seen). Payloads are copied at the call, so the caller may reuse its buffer.
 * Appends reach the log in the order they were made except around a resend: with more than one outstanding,
 * appends sent behind a refused frame or to a new leader may land before the resent ones (each still exactly
 * once, at the index its acknowledgement names). A {@code window} of 1 keeps the order strict.
 *
 * <p><b>Tails</b> ({@link #tail}, {@link #iterate}) deliver committed entries in index order, exactly once,
 * from any node, moving to another node when one fails. <b>Status</b> asks every node at once and reports
 * unreachable or hung nodes within {@code statusTimeout}.
 *
 * <p><b>Threads</b>: appends use one send thread (started by the first append) and one receive thread per
 * connection; append callbacks and futures complete on the receive thread (or the send thread for
 * timeouts), so do not block in them. Each tail has its own thread, on which its handler runs. The client
 * is thread-safe: any thread may append. When no other append is outstanding and the send thread sleeps,
 * the appending thread writes its frame itself (one hand-off less for one-at-a-time appends).
 *
 * <p>Like everything built on Agrona 2, an application using the client runs with
 * {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} (the raftlog jar's manifest carries it).
 */
public final class LogClient implements AutoCloseable {
    /** The most appends a client keeps outstanding ({@link Builder#window}). */
    public static final int MAX_WINDOW = 1 << 20;

    /**
     * The longest timeout the builder takes (24 days): sockets take their connect and read timeouts in int
     * milliseconds, which end at about 24.8 days.
     */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(24);

    private final ClientSettings settings;
    private final Appender appender;
    /** The tails (and iterators' tails) this client started that have not ended: {@link #close} ends them too. */
    private final Set<TailSubscription> openTails = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private LogClient(ClientSettings settings) {
        this.settings = settings;
        this.appender = new Appender(settings);
    }

    public static Builder builder(List<NodeAddress> addresses) {
        return new Builder(addresses);
    }

    /** {@code host:port,host:port,...} (an {@code id=} prefix per node is accepted). */
    public static Builder builder(String addresses) {
        return new Builder(NodeAddress.parseList(addresses));
    }

    /** The random id under which this client's appends are deduplicated. */
    public long clientId() {
        return settings.clientId();
    }

    public List<NodeAddress> addresses() {
        return settings.addresses();
    }

    /** Appends one entry; the future completes with its log index once committed. */
    public CompletableFuture<Long> append(byte[] payload) {
        return append(new UnsafeBuffer(payload), 0, payload.length);
    }

    /** Appends {@code length} bytes at {@code offset} of {@code buffer} (copied before this returns). */
    public CompletableFuture<Long> append(DirectBuffer buffer, int offset, int length) {
        IndexFuture f = new IndexFuture();
        appender.append(buffer, offset, length, f);
        return f;
    }

    /**
     * Appends with a callback instead of a future: nothing is allocated per call. Blocks while the window is
     * full. Returns the append's sequence (what the callback is given), or -1 if it failed at once.
     */
    public long append(DirectBuffer buffer, int offset, int length, AppendCallback callback) {
        return appender.append(buffer, offset, length, Objects.requireNonNull(callback, "callback"));
    }

    /**
     * Appends several entries in this order; the future completes with their indexes (in the same order)
     * when all committed, or fails with the first failure.
     */
    public CompletableFuture<long[]> append(List<byte[]> payloads) {
        BatchFuture f = new BatchFuture(payloads.size());
        UnsafeBuffer view = new UnsafeBuffer(0, 0);
        for (int i = 0; i < payloads.size(); i++) {
            byte[] p = payloads.get(i);
            view.wrap(p);
            appender.append(view, 0, p.length, f.entry(i));
        }
        return f;
    }

    /** Appends not yet acknowledged or failed. */
    public int outstanding() {
        return appender.outstanding();
    }

    /** Waits until every append made so far has been acknowledged or has failed; false on timeout. */
    public boolean awaitOutstanding(Duration timeout) throws InterruptedException {
        return appender.awaitIdle(timeout.toNanos());
    }

    /**
     * Follows the log from {@code fromIndex} (1 = the beginning), calling {@code handler} on the
     * subscription's thread for every committed entry, until closed.
     */
    public TailSubscription tail(long fromIndex, EntryHandler handler) {
        return tail(fromIndex, true, handler);
    }

    /**
     * Reads committed entries from {@code fromIndex}; with {@code follow} keeps waiting for new ones, without
     * it ends ({@link TailSubscription#done()}) at the end of the log as it was when the read began (the
     * highest commit index of any node: everything acknowledged before is included). Asking from index 1 of a log whose
     * beginning was compacted starts at its first entry instead of failing; from any other index, entries
     * dropped on every node before they were read fail the tail ({@link OnCompacted}).
     */
    public TailSubscription tail(long fromIndex, boolean follow, EntryHandler handler) {
        return tail(fromIndex, follow, OnCompacted.defaultFor(fromIndex), handler);
    }

    /** As {@link #tail(long, boolean, EntryHandler)}, with what to do about entries dropped before they were read. */
    public TailSubscription tail(long fromIndex, boolean follow, OnCompacted onCompacted, EntryHandler handler) {
        TailSubscription s = new TailSubscription(settings, fromIndex, follow, follow ? Long.MAX_VALUE : endOfLog(),
            onCompacted, handler);
        track(s);
        s.start();
        return s;
    }

    /**
     * Registers a tail for {@link #close}, which ends it; it leaves the set when it ends by itself. Refused once
     * the client is closed: checked after the registration, so a close racing with it ends the tail either way.
     */
    private void track(TailSubscription s) {
        openTails.add(s);
        s.done().whenComplete((ignored, error) -> openTails.remove(s));
        if (closed) {
            s.close();
            throw new IllegalStateException("the client is closed");
        }
    }

    /**
     * The highest commit index any node reports: a read up to it sees every append acknowledged before the
     * read began, whichever node serves it. Long.MAX_VALUE when no node answers (the read then ends where
     * its serving node's log ends).
     */
    private long endOfLog() {
        long end = -1;
        for (NodeStatus s : status()) {
            if (s.reachable()) {
                end = Math.max(end, s.commitIndex());
            }
        }
        return end < 0 ? Long.MAX_VALUE : end;
    }

    /** A blocking iterator that follows the log from {@code fromIndex} as it grows. */
    public TailIterator iterate(long fromIndex) {
        return tracked(new TailIterator(settings, fromIndex, true, Long.MAX_VALUE));
    }

    /** A blocking iterator over the committed entries from {@code fromIndex}, ending at the end of the log. */
    public TailIterator read(long fromIndex) {
        return tracked(new TailIterator(settings, fromIndex, false, endOfLog()));
    }

    private TailIterator tracked(TailIterator it) {
        track(it.subscription());
        return it;
    }

    /** Every node's status, in address order; a node that does not answer in time is marked unreachable. */
    public List<NodeStatus> status() {
        return StatusProbe.probe(settings.addresses(), settings.clusterId(),
            (int) settings.connectTimeout().toMillis(), settings.maxFrameLength());
    }

    /**
     * Stops the send and receive threads; appends still outstanding fail ("client closed"). Every tail and iterator
     * this client opened ends too (their {@code done()} completes normally, an iterator runs out after what it
     * already holds), as closing a client ends its watches in etcd's: a tail left running would keep a thread and a
     * connection for a client the application has let go of. Tails and appends cannot be started after this.
     */
    @Override
    public void close() {
        closed = true;
        try {
            appender.close();
        } finally {
            for (TailSubscription s : openTails) {
                s.close();
            }
        }
    }

    /** A future that is its own callback: the one allocation an {@link #append(byte[])} makes. */
    private static final class IndexFuture extends CompletableFuture<Long> implements AppendCallback {
        @Override
        public void onAppended(long sequence, long index) {
            complete(index);
        }

        @Override
        public void onFailed(long sequence, Throwable error) {
            completeExceptionally(error);
        }
    }

    /** Collects the indexes of a batch, one small callback per entry that knows its position. */
    private static final class BatchFuture extends CompletableFuture<long[]> {
        private final long[] indexes;
        private int remaining;

        BatchFuture(int n) {
            indexes = new long[n];
            remaining = n;
            if (n == 0) {
                complete(indexes);
            }
        }

        AppendCallback entry(int position) {
            return new AppendCallback() {
                @Override
                public void onAppended(long sequence, long index) {
                    boolean all;
                    synchronized (BatchFuture.this) {
                        indexes[position] = index;
                        all = --remaining == 0;
                    }
                    if (all) {
                        complete(indexes);
                    }
                }

                @Override
                public void onFailed(long sequence, Throwable error) {
                    completeExceptionally(error);
                }
            };
        }
    }

    /**
     * Settings with defaults that suit a local cluster: window 1024, deadline 30 s, a connection that
     * acknowledges nothing for 3 s is abandoned, a connection awaited on that is quiet for 500 ms is pinged and
     * abandoned after as long again without an answer, connect and status timeout 2 s.
     */
    public static final class Builder {
        private final List<NodeAddress> addresses;
        private long clusterId;
        private Long seed;
        private int window = 1024;
        private Duration timeout = Duration.ofSeconds(30);
        private Duration requestTimeout = Duration.ofSeconds(3);
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration keepAlive = Duration.ofMillis(500);
        private int maxFrameLength = Protocol.DEFAULT_MAX_FRAME_LENGTH;
        private int maxAppendBytes = 64 * 1024;
        private int fetchMaxBytes = 256 * 1024;

        private Builder(List<NodeAddress> addresses) {
            if (addresses == null || addresses.isEmpty()) {
                throw new IllegalArgumentException("a client needs at least one node address");
            }
            this.addresses = List.copyOf(addresses);
        }

        /** The cluster id the nodes were started with (the handshake checks it); default 0. */
        public Builder clusterId(long id) {
            this.clusterId = id;
            return this;
        }

        /** Seeds the random clientId (for reproducible tests); unseeded by default. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** How many appends may be outstanding at once; appends block while it is full. */
        public Builder window(int appends) {
            if (appends < 1) {
                throw new IllegalArgumentException("window must be at least 1, was " + appends);
            }
            this.window = appends;
            return this;
        }

        /** How long an append may take in all, retries included, before it fails; at most {@link #MAX_TIMEOUT}. */
        public Builder timeout(Duration d) {
            this.timeout = bounded(d, "timeout");
            return this;
        }

        /**
         * How long a connection may go without acknowledging anything before the client tries another node; at
         * most {@link #MAX_TIMEOUT}.
         */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = bounded(d, "request timeout");
            return this;
        }

        /** Connect, handshake and status answer timeout per node; at most {@link #MAX_TIMEOUT}. */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = bounded(d, "connect timeout");
            return this;
        }

        /**
         * How long a connection the client awaits an answer on (appends outstanding, or a tail) may be quiet
         * before the client pings the node with STATUS_REQUEST; quiet as long again, the node is taken for hung
         * (frozen, or the network to it cut) and the client moves to another, without waiting out the request
         * timeout, which is for a node that answers pings but commits nothing. A node that took the TCP
         * connection must answer the handshake within twice this too. Used up to a third of the request
         * timeout (for appends, of the timeout as well: an append that expires unanswered leaves nothing to wait
         * for); at most {@link #MAX_TIMEOUT}.
         */
        public Builder keepAlive(Duration d) {
            this.keepAlive = bounded(d, "keep-alive");
            return this;
        }

        public Builder maxFrameLength(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("max frame length " + bytes + " is below 1024");
            }
            this.maxFrameLength = bytes;
            return this;
        }

        /** The most bytes one APPEND frame carries when several appends are queued. */
        public Builder maxAppendBytes(int bytes) {
            this.maxAppendBytes = bytes;
            return this;
        }

        /** The most payload bytes asked for per ENTRIES frame of a tail. */
        public Builder fetchMaxBytes(int bytes) {
            this.fetchMaxBytes = bytes;
            return this;
        }

        private static Duration bounded(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            if (d.compareTo(MAX_TIMEOUT) > 0) {
                throw new IllegalArgumentException(what + " must be at most " + MAX_TIMEOUT.toDays() + " days, was " + d);
            }
            return d;
        }

        public LogClient build() {
            long id = 0;
            SplittableRandom random = seed == null ? new SplittableRandom(new SecureRandom().nextLong())
                : new SplittableRandom(seed);
            while (id == 0) {
                id = random.nextLong() & Long.MAX_VALUE; // positive and non-zero: 0 reads as "no client"
            }
            int appendBytes = Math.min(maxAppendBytes, maxFrameLength);
            int fetchBytes = Math.min(fetchMaxBytes, maxFrameLength / 2);
            return new LogClient(new ClientSettings(addresses, clusterId, id, window, timeout, requestTimeout,
                connectTimeout, keepAlive, maxFrameLength, appendBytes, fetchBytes));
        }
    }
}
