package io.raftlog.net.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import io.raftlog.journal.CompactedException;
import io.raftlog.journal.Journal;
import io.raftlog.journal.JournalReader;
import io.raftlog.net.codec.CompactedFrame;
import io.raftlog.net.codec.EndOfLogFrame;
import io.raftlog.net.codec.EntriesEncoder;
import io.raftlog.net.codec.ErrorCode;
import io.raftlog.net.codec.ErrorFrame;
import io.raftlog.net.codec.FrameType;
import io.raftlog.net.transport.Connection;
import io.raftlog.pipeline.NodeStanding;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves consumers on its own thread, never the raft thread: FETCH reads committed entries (up to this
 * node's commit index, so a follower serves too) from the journal with a {@link JournalReader} and sends
 * them as ENTRIES frames; a following fetch stays subscribed and is pushed new entries as the commit index
 * moves. A slow consumer whose outbound ring is full is simply not served until it has room: its
 * subscription waits at its next index, costing no memory.
 *
 * <p>A frame carries up to the subscription's {@code maxBytes} of payload, but always at least one entry
 * (as {@link Journal#read} promises), however large, so an entry above a consumer's {@code maxBytes} never
 * stalls it. Only an entry too large for any frame this connection can carry ends the fetch, with an ERROR
 * (TOO_LARGE) naming it.
 *
 * <p>A node that has known no leader for a while (cut off from the majority, or an old leader that stepped down
 * and hears no one) learns no new commits, but answers its consumers' pings as live: a following fetch that
 * caught up there would wait out the fault. Once it has been leaderless for {@code noLeaderLimitNanos}, such a
 * fetch ends with ERROR NO_LEADER so the consumer asks another node, as etcd ends watches that require a leader.
 * So does one whose commit index has stood still that long below the one its leader sends it (it hears the leader
 * but gets no entries, as when its answers are lost), with ERROR BEHIND, and one whose raft thread has handled no
 * tick for as long (stuck, as on a disk that hangs: what it last published looks as good as ever), with BEHIND too.
 * Entries up to its commit index are still served first; fetches that are behind keep being served.
 */
final class FetchService implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FetchService.class);
    /** The most payload bytes one ENTRIES frame carries, whatever the client asks. */
    static final int MAX_FRAME_PAYLOAD = 256 * 1024;
    /** Only a safety net: with no subscriptions every reason to run comes with an unpark. */
    private static final long IDLE_WITHOUT_SUBSCRIBERS_NANOS = 100_000_000;
    private static final int MAX_ENTRIES_PER_FRAME = 4096;
    /** Frames per subscription per round, so one far-behind consumer does not starve the others. */
    private static final int FRAMES_PER_ROUND = 8;
    /** Fetches open at once on one connection, and on the node: each is served every round. */
    static final int MAX_FETCHES_PER_CONNECTION = 64;
    static final int MAX_FETCHES = 4096;

    private static final class Subscription {
        final Connection connection;
        final long requestId;
        final int maxBytes;
        final boolean follow;
        long nextIndex;
        /** Where the consumer knows it stands: after the last entry sent, or at the last END_OF_LOG's index. */
        long consumerNextIndex;
        boolean endOfLogSent;

        Subscription(Connection connection, long requestId, long fromIndex, int maxBytes, boolean follow) {
            this.connection = connection;
            this.requestId = requestId;
            this.nextIndex = fromIndex;
            this.consumerNextIndex = fromIndex;
            this.maxBytes = maxBytes;
            this.follow = follow;
        }
    }

    private record Command(Connection connection, long requestId, long fromIndex, int maxBytes, boolean follow,
                           boolean cancel) {
    }

    private final int nodeId;
    private final Journal journal;
    private final LongSupplier commitIndex;
    /** Given System.nanoTime(): how long this node has known no leader, 0 while it knows one. */
    private final NodeStanding standing;
    private final long noLeaderLimitNanos;
    /** Whether the log said that caught-up fetches end (for want of a leader, or of entries) since they last did not. */
    private boolean cutOffLogged;

    /** Why a node can learn no new commits for now, and so ends its caught-up following fetches. */
    private enum CutOff {
        LEADERLESS(ErrorCode.NO_LEADER, "has known no leader for %d ms", "until it finds a leader", "knows one"),
        STALLED(ErrorCode.BEHIND, "has handled nothing for %d ms (its raft thread is stuck)", "until it runs again",
            "runs again"),
        BEHIND(ErrorCode.BEHIND, "has committed nothing for %d ms while its leader committed up to %d",
            "until it gets the entries", "commits again");

        final int code;
        final String state;
        final String until;
        final String logUntil;

        CutOff(int code, String state, String until, String logUntil) {
            this.code = code;
            this.state = state;
            this.until = until;
            this.logUntil = logUntil;
        }
    }

    private final ManyToOneConcurrentArrayQueue<Command> commands = new ManyToOneConcurrentArrayQueue<>(4096);
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final EntriesEncoder entries = new EntriesEncoder();
    private final EndOfLogFrame endOfLog = new EndOfLogFrame();
    private final CompactedFrame compacted = new CompactedFrame();
    private final ErrorFrame error = new ErrorFrame();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[EntriesEncoder.FIXED_LENGTH + MAX_FRAME_PAYLOAD
        + MAX_ENTRIES_PER_FRAME * EntriesEncoder.ENTRY_HEADER_LENGTH]);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean hasSubscribers;
    /** Why the fetch thread stopped while the node runs (a fault no read accounted for), or null. */
    private volatile String stoppedBecause;

    /** A fetch service that never ends a fetch for want of a leader or of entries. */
    FetchService(Journal journal, LongSupplier commitIndex, int nodeId) {
        this(journal, commitIndex, nodeId, NodeStanding.SERVING, Long.MAX_VALUE);
    }

    /**
     * @param commitIndex        this node's commit index (read on the fetch thread): entries up to it are served
     * @param standing           whether the node knows a leader and keeps up with its commits
     * @param noLeaderLimitNanos leaderless, stuck or behind this long, following fetches that caught up end (NO_LEADER, BEHIND)
     */
    FetchService(Journal journal, LongSupplier commitIndex, int nodeId, NodeStanding standing, long noLeaderLimitNanos) {
        this.nodeId = nodeId;
        this.journal = journal;
        this.commitIndex = commitIndex;
        this.standing = standing;
        this.noLeaderLimitNanos = noLeaderLimitNanos;
        this.thread = new Thread(this, "raftlog-fetch-" + nodeId);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Transport thread: a FETCH arrived. False if too many requests are queued (answer BUSY). */
    boolean fetch(Connection c, long requestId, long fromIndex, int maxBytes, boolean follow) {
        boolean ok = commands.offer(new Command(c, requestId, fromIndex, maxBytes, follow, false));
        LockSupport.unpark(thread);
        return ok;
    }

    /** Transport thread: a CANCEL arrived. */
    void cancel(Connection c, long requestId) {
        commands.offer(new Command(c, requestId, 0, 0, false, true));
        LockSupport.unpark(thread);
    }

    /** Raft thread: the commit index moved; wake the fetch thread if anyone is waiting for entries. */
    void commitAdvanced() {
        if (hasSubscribers) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public void run() {
        IdleStrategy idle = new BackoffIdleStrategy(20, 10, 1_000, 1_000_000);
        try (JournalReader reader = journal.newReader()) {
            while (running) {
                int work = drainCommands();
                long commit = commitIndex.getAsLong();
                // Read every round, subscribers or not: the "logged" flag must reset only when the node serves
                // again, or each consumer retrying here would log the line again.
                long now = System.nanoTime();
                long leaderless = standing.leaderlessNanos(now);
                long behind = leaderless > 0 ? 0 : standing.behindNanos(now);
                long stalled = standing.stalledNanos(now);
                // Leaderless first: a node starting up has neither ticked nor heard a leader yet.
                CutOff reason = leaderless >= noLeaderLimitNanos ? CutOff.LEADERLESS
                    : stalled >= noLeaderLimitNanos ? CutOff.STALLED
                    : behind >= noLeaderLimitNanos ? CutOff.BEHIND : null;
                long cutOffNanos = reason == CutOff.LEADERLESS ? leaderless : reason == CutOff.STALLED ? stalled : behind;
                cutOffLogged &= leaderless > 0 || behind > 0 || stalled >= noLeaderLimitNanos;
                for (int i = subscriptions.size() - 1; i >= 0; i--) {
                    Subscription s = subscriptions.get(i);
                    int done = serve(reader, s, commit, reason, cutOffNanos);
                    if (done < 0) {
                        subscriptions.remove(i);
                    } else {
                        work += done;
                    }
                }
                hasSubscribers = !subscriptions.isEmpty();
                if (work == 0 && !hasSubscribers) {
                    // Nothing can become due without an unpark (a FETCH or CANCEL arriving, or close): sleep
                    // until then instead of waking a thousand times a second on a machine short of cores.
                    idle.reset();
                    LockSupport.parkNanos(this, IDLE_WITHOUT_SUBSCRIBERS_NANOS);
                } else {
                    idle.idle(work);
                }
            }
        } catch (RuntimeException | Error e) {
            // A fault outside any one fetch's read (those end only their fetch, in serve): every fetch here is
            // told, so its consumer moves to another node at once, and later FETCHes are answered the same way
            // (stoppedBecause), since a thread that is gone would otherwise leave them waiting in silence while
            // the node still answers STATUS.
            stoppedBecause = e.toString();
            LOG.error("fetch thread stopped; this node answers fetches with an error from now on", e);
            for (Subscription s : subscriptions) {
                sendError(s.connection, s.requestId, ErrorCode.STORAGE_FAILURE, stoppedMessage());
            }
            Command c;
            while ((c = commands.poll()) != null) {
                if (!c.cancel) {
                    sendError(c.connection, c.requestId, ErrorCode.STORAGE_FAILURE, stoppedMessage());
                }
            }
            subscriptions.clear();
            hasSubscribers = false;
        }
    }

    /** Null while fetches are served; else the error to answer a FETCH with, naming why they cannot be. */
    String stoppedMessage() {
        String why = stoppedBecause;
        return why == null ? null : "node " + nodeId + " cannot serve fetches: its fetch thread stopped (" + why + ")";
    }

    private int drainCommands() {
        int n = 0;
        Command c;
        while ((c = commands.poll()) != null) {
            n++;
            if (c.cancel) {
                Command cancel = c;
                subscriptions.removeIf(s -> s.connection == cancel.connection && s.requestId == cancel.requestId);
            } else {
                Command fetch = c;
                // A FETCH with the requestId of an open one replaces it (as the client's own retries do).
                subscriptions.removeIf(s -> s.connection == fetch.connection && s.requestId == fetch.requestId);
                String full = tooManyFetches(c.connection);
                if (full != null) {
                    sendError(c.connection, c.requestId, ErrorCode.BUSY, full); // no room even for that: it times out
                    continue;
                }
                int max = c.maxBytes <= 0 ? MAX_FRAME_PAYLOAD : Math.min(c.maxBytes, MAX_FRAME_PAYLOAD);
                subscriptions.add(new Subscription(c.connection, c.requestId, c.fromIndex, max, c.follow));
            }
        }
        return n;
    }

    /**
     * Null if one more fetch may open on {@code c}, else why not: each is served every round, so one connection
     * opening thousands (and not reading) would take the whole thread and its memory.
     */
    private String tooManyFetches(Connection c) {
        if (subscriptions.size() >= MAX_FETCHES) {
            return MAX_FETCHES + " fetches are open on node " + nodeId + "; retry later";
        }
        int open = 0;
        for (Subscription s : subscriptions) {
            open += s.connection == c ? 1 : 0;
        }
        return open >= MAX_FETCHES_PER_CONNECTION
            ? MAX_FETCHES_PER_CONNECTION + " fetches are open on this connection; cancel one or use another connection" : null;
    }

    /**
     * Sends what it can; returns frames sent, or -1 when the subscription is over. {@code reason} is why the node
     * can learn no new commits for now (null: it can), and {@code cutOffNanos} for how long.
     */
    private int serve(JournalReader reader, Subscription s, long commit, CutOff reason, long cutOffNanos) {
        Connection c = s.connection;
        if (c.isClosed() || !c.isActive()) {
            return -1;
        }
        int sent = 0;
        // The frame's room is what the connection can carry, not maxBytes: maxBytes bounds the read (after
        // its first entry), the room only decides whether that first entry can be sent at all.
        int room = Math.min(scratch.capacity(), c.maxSendLength());
        int largestFrame = Math.min(room, EntriesEncoder.FIXED_LENGTH + s.maxBytes
            + MAX_ENTRIES_PER_FRAME * EntriesEncoder.ENTRY_HEADER_LENGTH);
        while (s.nextIndex <= commit && sent < FRAMES_PER_ROUND) {
            if (!c.hasRoomFor(largestFrame)) {
                break; // the consumer is not reading: no journal read for a frame that could not be queued
            }
            entries.wrap(scratch, 0, room, s.requestId, s.nextIndex);
            int read;
            try {
                read = reader.read(s.nextIndex, commit, MAX_ENTRIES_PER_FRAME, s.maxBytes, entries);
            } catch (CompactedException e) {
                int len = compacted.encode(scratch, 0, s.requestId, e.firstIndex());
                return c.offer(scratch, 0, len) ? -1 : sent; // not sent: try again next round
            } catch (RuntimeException | InternalError e) {
                // InternalError: what a fault in a mapped journal file (an I/O error under the map) is thrown as.
                return unreadable(s, e) ? -1 : sent;
            }
            if (entries.nextIndex() == s.nextIndex) {
                if (read == 0) {
                    break; // nothing readable yet (should not happen below the commit index): try again later
                }
                return tooLarge(s, room) ? -1 : sent; // the first entry alone does not fit: it never will
            }
            if (entries.count() > 0) {
                if (!c.offer(scratch, 0, entries.frameLength())) {
                    return sent; // the consumer's ring is full: wait here, at the same index
                }
                s.consumerNextIndex = entries.lastEntryIndex() + 1;
            }
            s.nextIndex = entries.nextIndex();
            sent++;
        }
        if (s.nextIndex > commit && (!s.endOfLogSent || s.consumerNextIndex < s.nextIndex)) {
            // Caught up. The first time, this ends a fetch without follow, and tells a following consumer it is
            // live. Later, only when the consumer cannot know where it stands: the last entries read were not
            // data (a new leader's no-op) and went without a frame. A bounded read waits for its end index, and
            // that may be such an entry.
            int len = endOfLog.encode(scratch, 0, s.requestId, s.nextIndex, commit);
            if (!c.offer(scratch, 0, len)) {
                return sent;
            }
            s.endOfLogSent = true;
            s.consumerNextIndex = s.nextIndex;
            sent++;
            if (!s.follow) {
                return -1;
            }
        }
        if (reason != null && s.follow && s.nextIndex > commit) {
            return cutOff(s, commit, reason, cutOffNanos) ? -1 : sent;
        }
        return sent;
    }

    /**
     * Ends a following fetch that has everything this node committed, on a node that has known no leader, has
     * handled nothing, or has committed nothing while its leader went on, for the limit: nothing more can come here
     * for now, while another node may be committing.
     */
    private boolean cutOff(Subscription s, long commit, CutOff reason, long forNanos) {
        String state = String.format(reason.state, forNanos / 1_000_000, standing.leaderCommit());
        String why = "node " + nodeId + " " + state + " and has sent everything it committed (up to " + commit
            + "); it can learn no new commits " + reason.until + ": ask another node";
        if (!sendError(s.connection, s.requestId, reason.code, why)) {
            return false;
        }
        if (!cutOffLogged) {
            cutOffLogged = true;
            LOG.info("node {} {}: following fetches that catch up end with {} until it {}", nodeId, state,
                ErrorCode.name(reason.code), reason.logUntil);
        }
        return true;
    }

    /**
     * The journal could not serve this fetch (a damaged entry, or a failure to read a file): the fetch ends with
     * an ERROR naming why, so the consumer asks another node, and this thread goes on serving the others.
     */
    private boolean unreadable(Subscription s, Throwable e) {
        String why = "reading entry " + s.nextIndex + " from this node's journal failed: " + e.getMessage();
        if (!sendError(s.connection, s.requestId, ErrorCode.STORAGE_FAILURE, why)) {
            return false;
        }
        LOG.error("fetch {} ended: {}", s.requestId, why, e);
        return true;
    }

    /** Ends the fetch with an ERROR naming the entry that cannot be sent; false if the ring had no room yet. */
    private boolean tooLarge(Subscription s, int room) {
        String why = "entry " + s.nextIndex + " is larger than the largest ENTRIES frame of " + room
            + " bytes this connection carries; the fetch cannot go past it";
        if (!sendError(s.connection, s.requestId, ErrorCode.TOO_LARGE, why)) {
            return false;
        }
        LOG.warn("fetch {} ended: {}", s.requestId, why);
        return true;
    }

    /** Answers fetch {@code requestId} with an ERROR of {@code code}; false if the connection's ring had no room. */
    private boolean sendError(Connection c, long requestId, int code, String why) {
        int len = error.encode(scratch, 0, code, FrameType.FETCH, 0, requestId, 0, null, why);
        return c.offer(scratch, 0, len);
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(5000);
            if (thread.isAlive()) {
                // A long round (thousands of consumers reading from disk) checks running only between rounds.
                thread.interrupt();
                thread.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** After {@link #close()}: whether the fetch thread was still running (inside a journal read) when it gave up. */
    boolean leftThreadRunning() {
        return thread.isAlive();
    }
}
