package io.raftlog.net.client;

import io.raftlog.net.codec.CompactedFrame;
import io.raftlog.net.codec.EndOfLogFrame;
import io.raftlog.net.codec.EntriesDecoder;
import io.raftlog.net.codec.ErrorFrame;
import io.raftlog.net.codec.FetchFrame;
import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.Protocol;
import io.raftlog.net.codec.RequestIdFrame;
import io.raftlog.net.codec.StatusFrame;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * A running tail: one thread that fetches committed entries from one node at a time and hands them to an
 * {@link EntryHandler}, in index order, each exactly once. It remembers the next index it needs; when the
 * node dies, hangs or refuses, it connects to another node and asks again from that index, so a failover
 * neither skips nor repeats entries (an entry below the next index is dropped, should a node resend it).
 *
 * <p>A hung node is noticed by pinging it with STATUS_REQUEST when the connection has been quiet for a
 * while (the client's keep-alive, at most a third of the request timeout): no frame at all within twice that
 * abandons it, and so does a node whose answers say it has known no leader for the request timeout (a
 * follower cut off from the majority learns no new commits; the node itself ends such a fetch with ERROR
 * NO_LEADER after three election timeouts without a leader, sooner unless the request timeout is shorter, and
 * any ERROR moves the tail on). With {@code follow} the tail runs until
 * {@link #close()}; without, it ends once it delivered everything up to its end index (the highest commit
 * index any node reported when the read began, so a read sees every append acknowledged before it), or
 * at the serving node's END_OF_LOG when no end index could be learnt. {@link #done()}
 * completes then, or exceptionally when no node could serve for the whole timeout or, under
 * {@link OnCompacted#FAIL}, the entries asked for were compacted away on every node.
 */
public final class TailSubscription implements AutoCloseable {
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /**
     * Rounds over every node, and request timeouts since the first COMPACTED answer (at most half the tail's
     * timeout), that a node which does not serve is given before COMPACTED answers of others count without it.
     */
    private static final int ROUNDS_BEFORE_COUNTING_OUT = 3;

    private final ClientSettings settings;
    private final List<NodeAddress> addresses;
    private final EntryHandler handler;
    private final boolean follow;
    /** Without follow: the tail is done once every entry up to here was delivered (Long.MAX_VALUE: unknown). */
    private final long endIndex;
    private final OnCompacted onCompacted;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Thread thread;
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(64);
    private final FetchFrame fetch = new FetchFrame();
    private final RequestIdFrame requestIdFrame = new RequestIdFrame();
    private final EntriesDecoder entries;
    private final EndOfLogFrame endOfLog = new EndOfLogFrame();
    private final CompactedFrame compacted = new CompactedFrame();
    private final ErrorFrame error = new ErrorFrame();
    private final StatusFrame status = new StatusFrame();
    /** Quiet this long, the node is pinged; quiet twice this long, it is taken for hung. */
    private final int pingAfterMillis;
    /** A node that has known no leader this long cannot learn new commits: another may. */
    private final long leaderlessLimitNanos;

    private volatile long nextIndex;
    private volatile boolean closed;
    private boolean finished;
    private volatile FrameConnection connection;
    private volatile NodeAddress servingNode;
    private long requestId;
    private long pingId;
    /**
     * Set when the current node delivered entries, or showed that it has none for us yet while it knows a leader
     * (so it will have them); resets the no-service clock and the COMPACTED answers gathered so far.
     */
    private boolean progressed;
    private int nextAddress;
    private String lastProblem = "not connected yet";
    /** Why the last node that did not answer COMPACTED failed to serve. */
    private String lastFailure = "none";
    /**
     * Since the last progress: which nodes (by address) answered COMPACTED for {@link #nextIndex}, the lowest
     * first index they named, and how many connections were tried.
     */
    private final boolean[] compactedOn;
    private long lowestFirstIndex = Long.MAX_VALUE;
    private int triesSinceProgress;
    /** When the first of the COMPACTED answers gathered since the last progress came. */
    private long firstCompactedNanos;
    /** Which nodes (by address) refused the handshake at their latest try; when all have, the tail fails. */
    private final HandshakeRefusals refusals;

    /**
     * A node no longer holds {@link #nextIndex}. Another may (each node drops entries on its own, and a follower
     * that caught up by snapshot never had them), so the tail asks the others before it gives up.
     */
    private static final class CompactedOnNode extends IOException {
        final long firstIndex;

        CompactedOnNode(String message, long firstIndex) {
            super(message);
            this.firstIndex = firstIndex;
        }
    }

    TailSubscription(ClientSettings settings, long fromIndex, boolean follow, long endIndex, OnCompacted onCompacted,
                     EntryHandler handler) {
        if (fromIndex < 1) {
            throw new IllegalArgumentException("fromIndex " + fromIndex + " is below 1 (log indexes start at 1)");
        }
        this.settings = settings;
        this.addresses = settings.addresses();
        this.handler = handler;
        this.follow = follow;
        this.endIndex = endIndex;
        this.onCompacted = Objects.requireNonNull(onCompacted, "onCompacted");
        this.compactedOn = new boolean[addresses.size()];
        this.refusals = new HandshakeRefusals(addresses.size());
        this.nextIndex = fromIndex;
        this.entries = EntriesDecoder.forMaxFrameLength(settings.maxFrameLength());
        this.pingAfterMillis = settings.pingAfterMillis();
        this.leaderlessLimitNanos = settings.requestTimeout().toNanos();
        this.thread = new Thread(this::run, "raftlog-tail-" + Long.toHexString(settings.clientId()));
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** The index of the next entry this tail will deliver (one past the last delivered). */
    public long nextIndex() {
        return nextIndex;
    }

    /** The node currently serving this tail, or null between connections. */
    public NodeAddress servingNode() {
        return servingNode;
    }

    /** Completes when the tail ends: at the end of the log without follow, on close, or with the failure. */
    public CompletableFuture<Void> done() {
        return done;
    }

    private void run() {
        long backoff = MIN_BACKOFF_NANOS;
        long unservedSince = System.nanoTime();
        int failedInRound = 0;
        try {
            while (!closed) {
                int at = nextAddress;
                NodeAddress target = addresses.get(at);
                nextAddress = (nextAddress + 1) % addresses.size();
                int connectMillis = (int) settings.connectTimeout().toMillis();
                try (FrameConnection c = FrameConnection.open(target, settings.clusterId(), connectMillis,
                    ClientSettings.handshakeTimeoutMillis(connectMillis, pingAfterMillis), settings.maxFrameLength())) {
                    connection = c;
                    refusals.acceptedBy(at);
                    if (closed) {
                        break;
                    }
                    servingNode = target;
                    if (serve(c)) {
                        done.complete(null);
                        return;
                    }
                } catch (CompactedOnNode e) {
                    if (nodesThatSaidCompacted() == 0) {
                        firstCompactedNanos = System.nanoTime();
                    }
                    lastProblem = e.getMessage();
                    lowestFirstIndex = Math.min(lowestFirstIndex, e.firstIndex);
                    compactedOn[at] = true;
                } catch (IOException e) {
                    if (closed) {
                        break;
                    }
                    lastProblem = e.getMessage();
                    lastFailure = e.getMessage(); // names the node
                    if (e instanceof HandshakeRefusedException && refusals.refusedBy(at)) {
                        throw new LogClientException("every node of " + settings.nodes() + " refused the tail (last: "
                            + e.getMessage() + ")");
                    }
                } finally {
                    connection = null;
                    servingNode = null;
                }
                triesSinceProgress++;
                // At the tail's timeout, COMPACTED answers in hand are acted on whether or not the counting-out
                // has run its course: failing for want of service would throw away what they say (found in
                // review: answers that came late, after half the timeout, lost to the timeout).
                boolean outOfTime = System.nanoTime() - unservedSince > settings.timeout().toNanos();
                if (!progressed && (compactedWhereverAnswered() || outOfTime && nodesThatSaidCompacted() > 0)) {
                    skipCompacted();
                }
                if (progressed) {
                    progressed = false;
                    Arrays.fill(compactedOn, false);
                    triesSinceProgress = 0;
                    lowestFirstIndex = Long.MAX_VALUE;
                    unservedSince = System.nanoTime();
                    backoff = MIN_BACKOFF_NANOS;
                    failedInRound = 0;
                }
                if (System.nanoTime() - unservedSince > settings.timeout().toNanos()) {
                    throw new LogClientException("no node among " + settings.nodes() + " served the tail from index "
                        + nextIndex + " for " + ClientSettings.format(settings.timeout()) + " (last: " + lastProblem + ")");
                }
                if (++failedInRound % addresses.size() == 0) {
                    TimeUnit.NANOSECONDS.sleep(backoff); // backoff between rounds, not a synchronisation
                    backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
                }
            }
            done.complete(null);
        } catch (LogClientException e) {
            done.completeExceptionally(e);
        } catch (InterruptedException e) {
            done.complete(null);
        } catch (Throwable e) {
            // The handler's own exception, an AssertionError or a checked one thrown sneakily included: the
            // subscription ends with it (before, an Error left done incomplete and a waiting user hung).
            if (closed && !(e instanceof Error)) {
                done.complete(null); // the handler saw the close (e.g. an interrupted queue put)
            } else {
                done.completeExceptionally(e);
            }
        }
    }

    /**
     * Whether the tail should act on COMPACTED answers: every node gave one, or some did and the others failed
     * every try of {@link #ROUNDS_BEFORE_COUNTING_OUT} rounds and as many request timeouts (one that is
     * restarting may hold the entries the others dropped: retention does not run on a node that is down). Rounds
     * alone were too quick: a node that refuses connections, or answers NO_LEADER because it has not heard from a
     * leader since it restarted, fails each try at once, and three rounds with their backoff took 0.2 s.
     */
    private boolean compactedWhereverAnswered() {
        int compacted = nodesThatSaidCompacted();
        return compacted == compactedOn.length
            || compacted > 0 && triesSinceProgress >= ROUNDS_BEFORE_COUNTING_OUT * compactedOn.length
            && System.nanoTime() - firstCompactedNanos >= countingOutNanos();
    }

    /**
     * Three request timeouts, but at most half the tail's timeout: a tail whose request timeout is long against
     * its timeout would otherwise fail for want of service before it could act on the answers it has (found in
     * review).
     */
    private long countingOutNanos() {
        return Math.min(ROUNDS_BEFORE_COUNTING_OUT * settings.requestTimeout().toNanos(), settings.timeout().toNanos() / 2);
    }

    private int nodesThatSaidCompacted() {
        int n = 0;
        for (boolean c : compactedOn) {
            n += c ? 1 : 0;
        }
        return n;
    }

    /**
     * The nodes that answered said that {@link #nextIndex} is compacted: fails, or under {@link OnCompacted#SKIP}
     * goes on from the lowest first index they named (the fewest entries lost) and tells the handler.
     */
    private void skipCompacted() {
        if (onCompacted == OnCompacted.FAIL || lowestFirstIndex <= nextIndex) {
            int answered = nodesThatSaidCompacted();
            throw new LogClientException("entries from index " + nextIndex + " are compacted on "
                + (answered == compactedOn.length ? "every node of " + settings.nodes()
                    : answered + " of the nodes " + settings.nodes() + " (the others did not answer; last: " + lastFailure + ")")
                + "; the log now starts at " + lowestFirstIndex);
        }
        long from = nextIndex;
        nextIndex = lowestFirstIndex;
        progressed = true; // a new index to read: the nodes are asked afresh
        handler.skipped(from, lowestFirstIndex - 1);
    }

    /**
     * Fetches from {@link #nextIndex} on connection {@code c} until it fails (IOException) or, without
     * follow, the end of the log is reached (returns true).
     */
    private boolean serve(FrameConnection c) throws IOException {
        sendFetch(c);
        boolean pingOutstanding = false;
        long pingSentNanos = 0;
        long leaderlessSince = 0;
        long withheldSince = 0; // since when the node's STATUS showed entries for us that it did not send
        // An END_OF_LOG counts as progress only from a node that knows a leader: one cut off, or halted with its
        // commit index frozen, below our next index answers END_OF_LOG for ever, and taking that for progress
        // wiped the other nodes' COMPACTED answers every round (found in review: the tail then neither skipped
        // nor failed). Whether it knows one comes with the first STATUS, the answer to the first ping.
        boolean leaderKnown = false;
        boolean caughtUpUnconfirmed = false;
        c.readTimeout(pingAfterMillis);
        while (!closed && !finished) {
            DirectBuffer frame;
            try {
                frame = c.readFrame();
            } catch (SocketTimeoutException e) {
                if (pingOutstanding && c.lastReadNanos() - pingSentNanos < 0) {
                    throw new IOException(c.address() + " did not answer for " + (2 * pingAfterMillis) + " ms");
                }
                // Bytes since the ping (part of a large frame, slowly) show the node alive as well as a whole frame.
                int len = requestIdFrame.encode(out, 0, FrameType.STATUS_REQUEST, ++pingId);
                pingSentNanos = System.nanoTime();
                c.write(out.byteArray(), 0, len);
                pingOutstanding = true;
                continue;
            }
            pingOutstanding = false;
            int type = Protocol.type(frame, 0);
            switch (type) {
                case FrameType.ENTRIES -> {
                    onEntries(c, frame);
                    leaderlessSince = 0;
                    withheldSince = 0;
                }
                case FrameType.END_OF_LOG -> {
                    String bad = endOfLog.wrap(frame, 0, frame.capacity());
                    if (bad != null) {
                        throw new IOException(c.address() + " sent a malformed END_OF_LOG: " + bad);
                    }
                    if (leaderKnown) {
                        progressed = true;
                    } else {
                        caughtUpUnconfirmed = true;
                    }
                    withheldSince = 0;
                    if (endOfLog.requestId() == requestId) {
                        // Everything committed below nextIndex was sent: skip trailing no-ops too.
                        if (endOfLog.nextIndex() > nextIndex) {
                            nextIndex = endOfLog.nextIndex();
                        }
                        if (!follow && (endIndex == Long.MAX_VALUE || nextIndex > endIndex)) {
                            return true;
                        }
                    }
                }
                case FrameType.COMPACTED -> {
                    String bad = compacted.wrap(frame, 0, frame.capacity());
                    if (bad != null) {
                        throw new IOException(c.address() + " sent a malformed COMPACTED: " + bad);
                    }
                    if (compacted.requestId() != requestId) {
                        continue;
                    }
                    throw new CompactedOnNode("entries from index " + nextIndex + " are compacted on "
                        + c.address() + "; its log starts at " + compacted.firstIndex(), compacted.firstIndex());
                }
                case FrameType.STATUS -> {
                    // The answer to our ping: the node is alive. If it has no leader (partitioned away, or
                    // an election), it cannot serve new commits; after a while try a node that may.
                    String bad = status.wrap(frame, 0, frame.capacity());
                    if (bad != null) {
                        throw new IOException(c.address() + " sent a malformed STATUS: " + bad);
                    }
                    long now = System.nanoTime();
                    // Alive is not serving: a node whose commit index reached our next index has entries for
                    // us (or no-ops, which END_OF_LOG passes), and pings come only after a silence. One whose
                    // fetches hang would keep the tail here for good; after a while try another.
                    leaderKnown = status.leaderId() != 0;
                    if (status.commitIndex() < nextIndex) {
                        withheldSince = 0;
                        progressed |= leaderKnown;
                    } else if (withheldSince == 0) {
                        withheldSince = now;
                    } else if (now - withheldSince >= leaderlessLimitNanos) {
                        throw new IOException(c.address() + " has committed up to " + status.commitIndex()
                            + " but sent nothing from index " + nextIndex + " for " + ClientSettings.format(settings.requestTimeout()));
                    }
                    if (leaderKnown) {
                        progressed |= caughtUpUnconfirmed;
                        leaderlessSince = 0;
                    } else if (leaderlessSince == 0) {
                        leaderlessSince = now;
                    } else if (now - leaderlessSince >= leaderlessLimitNanos) {
                        throw new IOException(c.address() + " has known no leader for "
                            + ClientSettings.format(settings.requestTimeout()));
                    }
                }
                case FrameType.ERROR -> {
                    String bad = error.wrap(frame, 0, frame.capacity());
                    throw new IOException(c.address() + " answered " + (bad != null ? "a malformed ERROR: " + bad : error));
                }
                default -> throw new IOException(c.address() + " sent an unexpected " + FrameType.name(type) + " frame");
            }
        }
        return finished;
    }

    private void onEntries(FrameConnection c, DirectBuffer frame) throws IOException {
        String bad = entries.wrap(frame, 0, frame.capacity());
        if (bad != null) {
            throw new IOException(c.address() + " sent a malformed ENTRIES: " + bad);
        }
        if (entries.requestId() != requestId) {
            return; // left over from a fetch we replaced
        }
        progressed = true;
        DirectBuffer buffer = entries.buffer();
        int delivered = 0;
        for (int i = 0, n = entries.count(); i < n && !closed; i++) {
            long index = entries.index(i);
            if (index < nextIndex) {
                continue; // already delivered (a node may resend what another already gave us)
            }
            nextIndex = index + 1;
            handler.onEntry(index, buffer, entries.payloadOffset(i), entries.payloadLength(i));
            delivered++;
        }
        if (delivered > 0) {
            handler.endOfBatch();
        }
        if (!follow && endIndex != Long.MAX_VALUE && nextIndex > endIndex) {
            finished = true; // read everything that was committed when the read began: done
        }
    }

    private void sendFetch(FrameConnection c) throws IOException {
        // A bounded read follows until its end index: the node serving it may be a follower whose commit
        // index is still behind what the leader has acknowledged.
        boolean subscribe = follow || endIndex != Long.MAX_VALUE;
        int len = fetch.encode(out, 0, ++requestId, nextIndex, settings.fetchMaxBytes(), subscribe);
        c.write(out.byteArray(), 0, len);
    }

    /** Stops the tail; the handler is not called after this returns unless called from the handler itself. */
    @Override
    public void close() {
        closed = true;
        FrameConnection c = connection;
        if (c != null) {
            c.close();
        }
        if (Thread.currentThread() != thread) {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        done.complete(null);
    }
}
