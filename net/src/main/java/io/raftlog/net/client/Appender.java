package io.raftlog.net.client;

import io.raftlog.net.codec.AppendAckFrame;
import io.raftlog.net.codec.ClientAppendEncoder;
import io.raftlog.net.codec.ErrorCode;
import io.raftlog.net.codec.ErrorFrame;
import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.Protocol;
import io.raftlog.net.codec.RequestIdFrame;
import io.raftlog.net.codec.StatusFrame;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The producer side of a {@link LogClient}: the window of outstanding appends, one connection to the node
 * it believes leads, and two threads.
 *
 * <ul>
 * <li>Callers of {@link #append} copy their payload into a window slot under {@link #lock} (blocking while
 *     the window is full: backpressure). If the send thread sleeps, the caller writes the frame itself
 *     (see {@link #sendDirect}); otherwise the send thread picks the append up with whatever else queued.</li>
 * <li>The <b>send thread</b> owns connecting (leader discovery, redirects, backoff) and writing: it encodes
 *     every queued append it finds into as few APPEND frames as fit, several frames per socket write, so
 *     under load one system call carries many appends. It also fails appends whose deadline passed,
 *     abandons a connection that has not acknowledged anything for the request timeout, and pings a node
 *     that has sent nothing at all for the keep-alive while appends await its answer (STATUS_REQUEST, which
 *     its network thread answers however slowly it commits).</li>
 * <li>A <b>receive thread</b> per connection reads APPEND_ACKs, ERRORs and the answers to pings; it completes callbacks after
 *     releasing the lock, so callbacks run on this thread. It closes the connection when a read finds that
 *     nothing came for the keep-alive after a ping (the node is taken for hung: frozen, or the network to it
 *     cut, and left without waiting out the request timeout), and when a write has been blocked for the
 *     request timeout, or for twice the keep-alive with nothing read meanwhile (a node that stopped reading),
 *     since blocking writes have no timeout of their own.</li>
 * </ul>
 * On every new connection everything unfinished is resent with its original sequences, one entry per
 * frame (the node answers a sequence its log already holds with the original index), so a retry never
 * appends twice.
 *
 * <p>A new connection starts with one frame and pipelines only after its first acknowledgement. The node
 * remembers, per client, which sequences its log holds; if a first frame were refused (the node is not
 * leader yet) while later frames pipelined behind it were accepted a moment later, the refused sequence
 * would look older than what the node remembers and its retry would be refused for good. Probing first
 * closes that window at the start of a connection, where leadership changes make it likely.
 */
final class Appender implements AutoCloseable {
    private static final long EXPIRY_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /**
     * The largest append a caller writes itself while holding the lock: far below any socket buffer, so the
     * write never waits for the node to read (the connection had nothing outstanding).
     */
    private static final int DIRECT_SEND_MAX_BYTES = 16 * 1024;
    /** How often a receive thread wakes to check that a write in progress is not stuck on a hung node. */
    private static final int WATCHDOG_MILLIS = 100;
    private static final long MIN_CONNECT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** Bytes encoded before one socket write; several APPEND frames when they are small. */
    private static final int WRITE_BATCH_BYTES = 256 * 1024;
    /** Payloads per APPEND frame, well below the server's default limit (4096) whatever the payload size. */
    private static final int MAX_ENTRIES_PER_APPEND = 1024;

    private final ClientSettings settings;
    private final List<NodeAddress> addresses;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition work = lock.newCondition();
    private final AppendWindow window;
    private final SentFrames sentFrames = new SentFrames();
    private final AppendWindow.Completions senderCompletions = new AppendWindow.Completions();
    private final ClientAppendEncoder appendEncoder = new ClientAppendEncoder();
    private final ExpandableArrayBuffer sendBuffer = new ExpandableArrayBuffer(WRITE_BATCH_BYTES + 64 * 1024);
    private final long timeoutNanos;
    private final long requestTimeoutNanos;
    /** Quiet this long while appends await answers, the node is pinged; as long again, it is taken for hung. */
    private final long pingAfterNanos;
    /** One STATUS_REQUEST, written by the send thread only (its id is not looked at: any bytes prove life). */
    private final UnsafeBuffer ping = new UnsafeBuffer(new byte[RequestIdFrame.LENGTH]);
    /**
     * A blocked appender is woken only once this many slots are free, not for every ack: it then adds a
     * burst that the send thread takes as one batch, instead of ping-ponging one entry per wake-up.
     */
    private final int refillSlots;

    // All below guarded by lock.
    private Thread sender;
    private boolean closed;
    /** Why the client closed itself, or null (closed by the user, or open). */
    private String closedBecause;
    private FrameConnection connection;
    private int generation;
    private boolean abandonConnection;
    private NodeAddress redirect;
    private int nextAddress;
    private int failedAttempts;
    /** Which of the nodes given refused the handshake at their latest try (see {@link #failRefusedAppends}). */
    private final HandshakeRefusals refusals;
    private long backoffNanos = MIN_BACKOFF_NANOS;
    /**
     * After a BUSY: nothing is sent on the connection before this (System.nanoTime), which is kept. Starts at
     * the construction's time, not 0: nanoTime's origin is arbitrary and may lie in the future of 0.
     */
    private long sendsPausedUntilNanos = System.nanoTime();
    private long nextConnectNanos;
    private long lastProgressNanos;
    private boolean ackedOnThisConnection;
    /** When the current connection's latest ping was sent (System.nanoTime); 0: none yet. */
    private long pingSentNanos;
    /**
     * After a connection was left because nothing at all came from it, the client does not go back there for a
     * while: not by a redirect (a frozen leader's followers name it until their election timeout, and its kernel
     * still takes connections, so each visit cost a handshake timeout), nor in turn while others are left. The
     * node is avoided for two keep-alives, by then replaced if it is frozen; the address (the path) for four.
     * Silence is a property of the path: a leader cut off on one (a partition through a proxy) may be reached at
     * another address a follower names, and avoiding only the node went round to the cut path again each time
     * the node's time ran out, never following such a hint (found in a fault run, seed 7: four producers kept
     * from a healthy leader for 1.7 s). Avoiding only the address, each follower's different address for a
     * frozen leader cost a handshake timeout in turn (p99 of appends during freezes 0.66 s to 1.66 s).
     */
    private NodeAddress silentAddress;
    private long silentAddressUntilNanos;
    private int silentNodeId;
    private long silentNodeUntilNanos;
    /** The node id each given address answered its latest handshake with (0: none yet), by index in addresses. */
    private final int[] nodeIdAt;
    private String lastProblem = "not connected yet";
    private boolean senderWaiting;
    /** A caller is writing its own append ({@link #sendDirect}) without the lock: the send thread must not write. */
    private boolean directWrite;
    private int appendersWaiting;
    private int maxAppendBytes;
    /** Payloads per frame: {@link #MAX_ENTRIES_PER_APPEND}, less once a node refused a frame as too large. */
    private int maxEntriesPerFrame = MAX_ENTRIES_PER_APPEND;
    private long nextExpiryNanos;

    Appender(ClientSettings settings) {
        this.settings = settings;
        this.addresses = settings.addresses();
        this.refusals = new HandshakeRefusals(addresses.size());
        this.nodeIdAt = new int[addresses.size()];
        this.window = new AppendWindow(settings.window(), 256);
        this.timeoutNanos = settings.timeout().toNanos();
        this.requestTimeoutNanos = settings.requestTimeout().toNanos();
        this.pingAfterNanos = TimeUnit.MILLISECONDS.toNanos(settings.appendPingAfterMillis());
        new RequestIdFrame().encode(ping, 0, FrameType.STATUS_REQUEST, 1);
        this.maxAppendBytes = settings.maxAppendBytes();
        this.refillSlots = Math.max(1, settings.window() / 8);
    }

    /**
     * Queues one append; blocks while the window is full (until the deadline). Returns its sequence, or -1
     * when it failed at once (the callback was told why).
     */
    long append(DirectBuffer buffer, int offset, int length, AppendCallback callback) {
        if (length < 0 || length > settings.maxPayload()) {
            callback.onFailed(-1, new LogClientException("payload of " + length + " bytes is larger than the maximum "
                + settings.maxPayload() + " (the frame limit " + settings.maxFrameLength() + " less the APPEND header)"));
            return -1;
        }
        Throwable failure;
        lock.lock();
        try {
            long now = System.nanoTime();
            long deadline = now + timeoutNanos;
            boolean waited = false;
            while (!closed && window.isFull()) {
                waited = true;
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                appendersWaiting++;
                try {
                    notFull.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = new LogClientException("interrupted while waiting for room in the window");
                    return failNow(callback, failure);
                } finally {
                    appendersWaiting--;
                }
            }
            if (closed) {
                failure = new LogClientException("client is closed" + becauseClosed());
            } else if (window.isFull()) {
                failure = new LogClientException("window of " + window.capacity() + " appends stayed full for "
                    + ClientSettings.format(settings.timeout()) + ": " + problem());
            } else {
                long seq = window.add(buffer, offset, length, callback, now, deadline);
                startSenderIfNeeded();
                // After a wait for room, now is as old as the wait: the send must not date the node's last
                // progress back to before the acknowledgement that made the room.
                if (senderWaiting && !sendDirect(waited ? System.nanoTime() : now)) {
                    work.signal();
                }
                return seq;
            }
        } finally {
            lock.unlock();
        }
        return failNow(callback, failure);
    }

    /**
     * With the send thread asleep (so it is not writing) and no other append outstanding, the caller writes
     * its own append at once instead of waking it: one thread hand-off less per append when appends come one at a
     * time, which is most of the latency on an idle machine. {@link #directWrite} keeps the send thread from
     * encoding or writing until the write is done, so frames still leave in sequence order; the lock is let go
     * during the write, since a write blocks on a node that stopped reading, and the receive thread, which
     * closes the socket under it, needs the lock for any answer it reads meanwhile (found in review: the client,
     * close() included, could hang). False if there is no usable connection (then the send thread is woken to
     * make one). Called and returns under the lock.
     */
    private boolean sendDirect(long now) {
        FrameConnection c = connection;
        if (c == null || abandonConnection || directWrite || window.outstanding() != 1 || !window.hasUnsent()
            || !sentFrames.isEmpty() || window.length(window.sendNext()) > DIRECT_SEND_MAX_BYTES) {
            return false; // only a lone, small append: under load the send thread batches many per write
        }
        if (window.sendNext() == window.lowest() || sentFrames.isEmpty()) {
            lastProgressNanos = now;
        }
        int bytes = encode();
        directWrite = true;
        IOException failed = null;
        lock.unlock();
        try {
            c.write(sendBuffer.byteArray(), 0, bytes);
        } catch (IOException e) {
            failed = e;
        } finally {
            lock.lock();
            directWrite = false;
        }
        if (failed != null && connection == c && !abandonConnection) {
            abandonConnection = true;
            redirect = null;
            lastProblem = failed.getMessage();
        }
        if (senderWaiting && (abandonConnection || window.hasUnsent())) {
            work.signal(); // appends queued behind the write, or a connection to give up: the send thread's work
        }
        return true;
    }

    private static long failNow(AppendCallback callback, Throwable failure) {
        callback.onFailed(-1, failure);
        return -1;
    }

    /** Appends not yet acknowledged or failed. */
    int outstanding() {
        lock.lock();
        try {
            return window.outstanding();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every append so far finished (acknowledged or failed); false if the wait timed out. */
    boolean awaitIdle(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            while (!window.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                appendersWaiting++;
                try {
                    notFull.awaitNanos(Math.min(left, EXPIRY_CHECK_NANOS * 10));
                } finally {
                    appendersWaiting--;
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void startSenderIfNeeded() {
        if (sender == null) {
            sender = new Thread(this::sendLoop, "raftlog-client-" + Long.toHexString(settings.clientId()) + "-send");
            sender.setDaemon(true);
            sender.start();
        }
    }

    /** Why appends are not being acknowledged, in words, for exceptions. */
    private String problem() {
        if (connection != null && ackedOnThisConnection) {
            return "the leader " + connection.address() + " did not acknowledge within " + ClientSettings.format(settings.timeout());
        }
        return "no leader among " + settings.nodes() + " within " + ClientSettings.format(settings.timeout())
            + " (last: " + lastProblem + ")";
    }

    private void sendLoop() {
        try {
            sendUntilClosed();
        } catch (Throwable e) { // a checked exception thrown sneakily too: rethrown as it is
            // A fault of this thread's own (out of memory starting a receive thread, a bug): without it nothing
            // expires or is sent again, so the client closes, failing what is outstanding and every later append.
            lock.lock();
            try {
                closed = true;
                closedBecause = "its send thread failed: " + e;
            } finally {
                lock.unlock();
            }
            finishOnClose();
            throw e;
        }
    }

    private void sendUntilClosed() {
        while (true) {
            FrameConnection toClose = null;
            NodeAddress connectTo = null;
            int connectTimeoutMillis = 0;
            FrameConnection writeTo = null;
            byte[] writeFrom = sendBuffer.byteArray();
            int bytes = 0;
            lock.lock();
            try {
                if (closed) {
                    break;
                }
                long now = System.nanoTime();
                expireIfDue(now);
                if (connection != null && !abandonConnection && noProgressFor(now)) {
                    lastProblem = connection.address() + " acknowledged nothing for "
                        + ClientSettings.format(settings.requestTimeout());
                    abandonConnection = true;
                    redirect = null;
                }
                if (connection != null && abandonConnection) {
                    toClose = connection;
                    connection = null;
                    sentFrames.clear();
                } else if (connection == null && !window.isEmpty()) {
                    if (now - nextConnectNanos >= 0) {
                        connectTo = nextTarget(now);
                        // Connecting blocks this thread; do not let it hold up the expiry of the earliest deadline.
                        long untilDeadline = Math.max(window.earliestDeadline() - now, MIN_CONNECT_NANOS);
                        connectTimeoutMillis = (int) Math.max(1, Math.min(settings.connectTimeout().toNanos(), untilDeadline) / 1_000_000L);
                    } else {
                        await(nextConnectNanos - now);
                    }
                } else if (directWrite) {
                    await(EXPIRY_CHECK_NANOS); // a caller's own write is under way, from the send buffer
                } else if (connection != null && senderCompletions.isEmpty() && pingDue(now)) {
                    // Not in a pass that has callbacks to run first: the ping's time would be older than its
                    // sending by as long as they take, and a slow one would pass for the node's silence.
                    pingSentNanos = now;
                    writeTo = connection;
                    writeFrom = ping.byteArray();
                    bytes = RequestIdFrame.LENGTH;
                } else if (connection != null && window.hasUnsent() && now - sendsPausedUntilNanos < 0) {
                    await(sendsPausedUntilNanos - now); // a BUSY node's back-off
                } else if (connection != null && window.hasUnsent() && (ackedOnThisConnection || sentFrames.isEmpty())) {
                    if (window.sendNext() == window.lowest() || sentFrames.isEmpty()) {
                        lastProgressNanos = now;
                    }
                    bytes = encode();
                    writeTo = connection;
                } else {
                    await(EXPIRY_CHECK_NANOS);
                }
            } finally {
                lock.unlock();
            }
            senderCompletions.deliver();
            if (toClose != null) {
                toClose.close();
            } else if (connectTo != null) {
                connect(connectTo, connectTimeoutMillis);
            } else if (writeTo != null && bytes > 0) {
                try {
                    writeTo.write(writeFrom, 0, bytes);
                } catch (IOException e) {
                    connectionFailed(writeTo, e.getMessage(), null);
                }
            }
        }
        finishOnClose();
    }

    private void await(long nanos) {
        senderWaiting = true;
        try {
            work.awaitNanos(Math.min(nanos, EXPIRY_CHECK_NANOS));
        } catch (InterruptedException e) {
            closed = true;
        } finally {
            senderWaiting = false;
        }
    }

    private boolean noProgressFor(long now) {
        return awaitingAnswers() && now - lastProgressNanos > requestTimeoutNanos;
    }

    /** Frames of this connection are out that the node has not answered. Under the lock. */
    private boolean awaitingAnswers() {
        return window.sendNext() > window.lowest() && !sentFrames.isEmpty();
    }

    /**
     * The node owes answers and has sent nothing for the keep-alive, counted from the later of its last bytes and
     * the last progress (an ack, or a send into an empty pipeline: a node is not silent before it was asked), and
     * no ping is unanswered. Under the lock, with a connection.
     */
    private boolean pingDue(long now) {
        long heard = connection.lastReadNanos();
        boolean pingUnanswered = pingSentNanos != 0 && heard - pingSentNanos < 0;
        long quietSince = heard - lastProgressNanos > 0 ? heard : lastProgressNanos;
        return awaitingAnswers() && !pingUnanswered && now - quietSince > pingAfterNanos;
    }

    /**
     * The node has sent nothing since a ping that is the keep-alive old, judged by connection {@code c}'s receive
     * thread after a read that found nothing: the send thread, judging by when bytes were last read, would take a
     * receive thread busy in a slow callback, or a client-wide stall, for a silent node (found in review).
     */
    private boolean silentSincePing(FrameConnection c, long now) {
        lock.lock(); // held only briefly: no thread writes to a socket while it holds the lock (see sendDirect)
        try {
            return connection == c && !abandonConnection && pingSentNanos != 0 && c.lastReadNanos() - pingSentNanos < 0
                && now - pingSentNanos > pingAfterNanos && awaitingAnswers();
        } finally {
            lock.unlock();
        }
    }

    private void expireIfDue(long now) {
        if (now - nextExpiryNanos < 0 || window.isEmpty()) {
            return;
        }
        nextExpiryNanos = now + EXPIRY_CHECK_NANOS;
        if (window.earliestDeadline() - now <= 0) {
            window.expire(now, new LogClientException(problem()), senderCompletions);
            sentFrames.dropBelow(window.lowest());
            if (appendersWaiting > 0) {
                notFull.signalAll();
            }
        }
    }

    /**
     * A redirect if a node named the leader, else the next address round-robin, passing over the address left for
     * silence while it is remembered (unless it is the only one left to try). Under the lock.
     */
    private NodeAddress nextTarget(long now) {
        if (redirect != null) {
            NodeAddress r = redirect;
            redirect = null;
            return r;
        }
        int n = addresses.size();
        for (int tried = 1; ; tried++) {
            int at = nextAddress % n;
            nextAddress = (nextAddress + 1) % n;
            if (tried == n || !isSilent(addresses.get(at), nodeIdAt[at], now)) {
                return addresses.get(at);
            }
        }
    }

    /**
     * Connection {@code c} is given up because nothing at all came from it: remember its address for as long as
     * that took to see (two keep-alives), about when a frozen leader's followers have elected another. Not longer:
     * a leader only stalled (a GC pause, or its raft thread, which runs its network by default, in a long write)
     * speaks again, and avoiding it for the request timeout kept appends from a healthy cluster (found in review).
     */
    private void rememberSilent(FrameConnection c, long now) {
        silentAddress = c.address();
        silentAddressUntilNanos = now + 4 * pingAfterNanos;
        silentNodeId = c.nodeId();
        silentNodeUntilNanos = now + 2 * pingAfterNanos;
    }

    /** Whether the address, or the node ({@code nodeId}, 0 if unknown), is still avoided for silence. Under the lock. */
    private boolean isSilent(NodeAddress address, int nodeId, long now) {
        return address.equals(silentAddress) && now - silentAddressUntilNanos < 0
            || nodeId != 0 && nodeId == silentNodeId && now - silentNodeUntilNanos < 0;
    }

    private void connect(NodeAddress target, int timeoutMillis) {
        FrameConnection c;
        try {
            c = FrameConnection.open(target, settings.clusterId(), timeoutMillis,
                ClientSettings.handshakeTimeoutMillis(timeoutMillis, settings.appendPingAfterMillis()), settings.maxFrameLength());
        } catch (IOException e) {
            lock.lock();
            try {
                lastProblem = e.getMessage();
                failRefusedAppends(target, e);
                failedAttempts++;
                if (failedAttempts % addresses.size() == 0) {
                    backOff();
                }
            } finally {
                lock.unlock();
            }
            return;
        }
        int gen;
        lock.lock();
        try {
            if (closed) {
                c.close();
                return;
            }
            int given = addresses.indexOf(target);
            if (given >= 0) {
                refusals.acceptedBy(given);
                nodeIdAt[given] = c.nodeId();
            }
            connection = c;
            gen = ++generation;
            abandonConnection = false;
            ackedOnThisConnection = false;
            pingSentNanos = 0;
            sentFrames.clear();
            window.rewind();
            lastProgressNanos = System.nanoTime();
        } finally {
            lock.unlock();
        }
        Thread reader = new Thread(() -> receiveLoop(c, gen),
            "raftlog-client-" + Long.toHexString(settings.clientId()) + "-recv-" + gen);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Notes a node given to the client that refused the handshake (a leader a node named is not counted); once every
     * one has, the outstanding appends fail at once with the refusal, rather than at their deadline after retrying a
     * cluster id or protocol version that will not change. Later appends try the nodes again. Under the lock.
     */
    private void failRefusedAppends(NodeAddress target, IOException e) {
        int given = addresses.indexOf(target);
        if (!(e instanceof HandshakeRefusedException) || given < 0) {
            return;
        }
        if (!refusals.refusedBy(given)) {
            return;
        }
        refusals.clear();
        window.fail(window.lowest(), window.outstanding(), new LogClientException("every node of " + settings.nodes()
            + " refused the connection (last: " + e.getMessage() + ")"), senderCompletions);
        sentFrames.dropBelow(window.lowest());
        notFull.signalAll();
    }

    private void backOff() {
        nextConnectNanos = System.nanoTime() + backoffNanos;
        backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
    }

    /** Encodes queued appends into {@link #sendBuffer} as APPEND frames; returns the bytes to write. */
    private int encode() {
        int position = 0;
        // Until a connection has acknowledged something, one frame at a time (see the class comment).
        int frames = ackedOnThisConnection ? Integer.MAX_VALUE : 1;
        while (window.hasUnsent() && position < WRITE_BATCH_BYTES && frames-- > 0) {
            long seq = window.sendNext();
            if (!window.isPending(seq)) {
                window.sentUpTo(seq + 1);
                continue;
            }
            int firstLength = window.length(seq);
            int capacity = Math.max(maxAppendBytes, ClientAppendEncoder.frameLength(1, firstLength));
            appendEncoder.wrap(sendBuffer, position, capacity, settings.clientId(), seq);
            // A resend goes one entry per frame: the node answers a retry from its session table only when
            // the frame's sequences are all in its log as one run or all absent, and after a failover the new
            // leader may hold any prefix of an old frame. Single entries are always one or the other.
            boolean resend = window.wasSent(seq);
            long end = resend ? seq + 1 : window.next();
            if (resend) {
                appendEncoder.markResend(); // a node that forgot this client then refuses it rather than duplicate it
            }
            long s = seq;
            // A first send stops before the first sequence sent before: after a refusal of an earlier frame
            // (BUSY, NOT_LEADER, TOO_LARGE: as never sent) the frames pipelined behind it may be in the log, and
            // a frame holding both kinds overlaps an append in the log only partly, which the node refuses.
            while (s < end && s - seq < maxEntriesPerFrame && window.isPending(s) && (s == seq || !window.wasSent(s))
                && appendEncoder.add(window.payload(s), 0, window.length(s))) {
                s++;
            }
            int count = appendEncoder.count();
            sentFrames.add(seq, count, resend);
            window.sentUpTo(seq + count);
            position += appendEncoder.frameLength();
        }
        return position;
    }

    /** Why a hint naming {@code nodeId} at {@code address} is not followed now, if it is not. */
    private enum Avoided { NO, NODE, ADDRESS }

    private Avoided avoidedForSilence(NodeAddress address, int nodeId) {
        lock.lock();
        try {
            long now = System.nanoTime();
            if (nodeId != 0 && nodeId == silentNodeId && now - silentNodeUntilNanos < 0) {
                return Avoided.NODE;
            }
            return isSilent(address, nodeId, now) ? Avoided.ADDRESS : Avoided.NO;
        } finally {
            lock.unlock();
        }
    }

    /** A connection whose node sent nothing at all, after a ping or while a write to it stood blocked: taken for hung. */
    private static final class SilentNodeException extends IOException {
        SilentNodeException(String message) {
            super(message);
        }
    }

    private void receiveLoop(FrameConnection c, int gen) {
        AppendWindow.Completions completions = new AppendWindow.Completions();
        ErrorFrame error = new ErrorFrame();
        AppendAckFrame ack = new AppendAckFrame();
        StatusFrame status = new StatusFrame();
        long silentWriteNanos = 2 * pingAfterNanos;
        try {
            c.readTimeout(Math.min(WATCHDOG_MILLIS, settings.appendPingAfterMillis()));
            while (true) {
                DirectBuffer frame;
                try {
                    frame = c.readFrame();
                } catch (SocketTimeoutException e) {
                    long since = c.writingSinceNanos();
                    long now = System.nanoTime();
                    if (since != 0 && now - since > requestTimeoutNanos) {
                        throw new IOException(c.address() + " took no data for " + ClientSettings.format(settings.requestTimeout()));
                    }
                    // A write stuck this long keeps the send thread from pinging: judge the silence here, without the lock.
                    if (since != 0 && now - since > silentWriteNanos && now - c.lastReadNanos() > silentWriteNanos) {
                        throw new SilentNodeException(c.address() + " took no data and sent nothing for "
                            + TimeUnit.NANOSECONDS.toMillis(silentWriteNanos) + " ms");
                    }
                    if (since == 0 && silentSincePing(c, now)) {
                        throw new SilentNodeException(c.address() + " sent nothing for " + 2 * settings.appendPingAfterMillis()
                            + " ms, not even an answer to a ping");
                    }
                    continue; // quiet is fine: the send thread judges missing acknowledgements
                }
                int type = Protocol.type(frame, 0);
                if (type == FrameType.APPEND_ACK) {
                    onAck(frame, ack, gen, completions);
                } else if (type == FrameType.ERROR) {
                    String bad = error.wrap(frame, 0, frame.capacity());
                    if (bad != null) {
                        throw new IOException(c.address() + " sent a malformed ERROR: " + bad);
                    }
                    onError(c, gen, error, completions);
                } else if (type == FrameType.STATUS) {
                    String bad = status.wrap(frame, 0, frame.capacity());
                    if (bad != null) {
                        throw new IOException(c.address() + " sent a malformed STATUS: " + bad);
                    }
                    // The answer to a ping: the node is alive, which reading it has recorded.
                } else {
                    throw new IOException(c.address() + " sent an unexpected " + FrameType.name(type) + " frame");
                }
                completions.deliver();
            }
        } catch (IOException e) {
            c.close(); // first: a thread blocked writing to c gets its exception now
            completions.deliver();
            if (e instanceof SilentNodeException) {
                lock.lock();
                try {
                    if (connection == c) {
                        rememberSilent(c, System.nanoTime());
                    }
                } finally {
                    lock.unlock();
                }
            }
            connectionFailed(c, e.getMessage(), null);
        }
    }

    private void onAck(DirectBuffer frame, AppendAckFrame ack, int gen, AppendWindow.Completions completions)
        throws IOException {
        String bad = ack.wrap(frame, 0, frame.capacity());
        if (bad != null) {
            throw new IOException("malformed APPEND_ACK: " + bad);
        }
        if (ack.clientId() != settings.clientId()) {
            return; // not ours: ignore rather than complete someone else's sequences
        }
        long firstSeq = ack.firstSequence();
        long firstIndex = ack.firstIndex();
        int count = ack.count();
        lock.lock();
        try {
            // Acks count whichever connection they arrive on: a committed entry is committed.
            if (window.acked(firstSeq, firstIndex, count, completions) > 0) {
                // Only the current connection's own acks open its pipeline or show it alive: a late ack of a
                // connection given up says nothing about the new one's first frame (which must not be overtaken)
                // or whether the new one works.
                if (gen == generation) {
                    lastProgressNanos = System.nanoTime();
                    ackedOnThisConnection = true;
                    if (connection != null && (connection.address().equals(silentAddress) || connection.nodeId() == silentNodeId)) {
                        silentAddress = null; // it commits again
                        silentNodeId = 0;
                    }
                }
                failedAttempts = 0;
                backoffNanos = MIN_BACKOFF_NANOS;
                sentFrames.dropBelow(window.lowest());
                if (appendersWaiting > 0 && window.capacity() - window.outstanding() >= refillSlots) {
                    notFull.signalAll();
                }
                if (senderWaiting && window.hasUnsent()) {
                    work.signal(); // e.g. the first ack of a connection opens the pipeline
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void onError(FrameConnection c, int gen, ErrorFrame error, AppendWindow.Completions completions) {
        int code = error.code();
        String what = c.address() + " answered " + ErrorCode.name(code) + ": " + error.message();
        if (error.notAppended() && error.failedType() == FrameType.APPEND && error.correlationId() == settings.clientId()) {
            forgetRefusedFirstSend(gen, error.sequence());
        }
        if (code == ErrorCode.NOT_LEADER) {
            String hint = error.address();
            NodeAddress leader = null;
            if (!hint.isEmpty()) {
                try {
                    leader = NodeAddress.parse(hint);
                } catch (IllegalArgumentException e) {
                    leader = null;
                }
            }
            if (leader != null && leader.equals(c.address())) {
                leader = null; // stale hint naming itself: try elsewhere
            }
            String knows = leader == null ? " and knows none" : " (leader: node " + error.leaderId() + " at " + leader + ")";
            Avoided avoided = leader == null ? Avoided.NO : avoidedForSilence(leader, error.leaderId());
            if (avoided != Avoided.NO) {
                // A follower that has not noticed yet: the leader it names just went silent on us there.
                knows = " and names node " + error.leaderId() + " at " + leader + ", where nothing came when last asked";
                leader = null;
            }
            connectionFailed(c, c.address() + " is not the leader" + knows, leader);
            if (leader == null) {
                lock.lock();
                try {
                    if (gen == generation && avoided == Avoided.NODE) {
                        // Ask again when the node's avoidance ends, not after a growing back-off: by then a frozen
                        // leader has been replaced, or the hint can be followed. Backing off instead, the next try
                        // could fall after the address's avoidance too, and go round to the silent path again,
                        // for good once the back-off outgrew it (found when a CI run timed out).
                        nextConnectNanos = Math.max(System.nanoTime() + MIN_BACKOFF_NANOS, silentNodeUntilNanos);
                    } else if (gen == generation) {
                        backOff();
                    }
                } finally {
                    lock.unlock();
                }
            }
        } else if ((code == ErrorCode.TOO_LARGE || code == ErrorCode.INVALID) && error.failedType() == FrameType.APPEND
            && error.correlationId() == settings.clientId()) {
            lock.lock();
            try {
                int count = sentFrames.countOf(error.sequence());
                if (gen != generation || count == 0) {
                    // The answer to a frame of a connection given up since (its frames were forgotten, and what
                    // they held is sent again): failing "count 1 from its sequence" could fail an append that
                    // was never refused. The frame sent again gets its own answer.
                    return;
                }
                if (code == ErrorCode.TOO_LARGE && count > 1) {
                    // The node takes smaller batches than we send: send smaller frames and resend from there.
                    // Halve both bounds: a node may limit payloads per append as well as bytes, and small
                    // payloads would fill any byte budget past a low count limit.
                    maxAppendBytes = Math.max(1024, maxAppendBytes / 2);
                    maxEntriesPerFrame = Math.max(1, Math.min(maxEntriesPerFrame, count) / 2);
                    abandonConnection = true;
                    redirect = c.address();
                    lastProblem = what;
                    work.signal();
                } else {
                    window.fail(error.sequence(), count, new LogClientException("append rejected: " + what), completions);
                    sentFrames.dropBelow(window.lowest());
                    if (appendersWaiting > 0) {
                        notFull.signalAll();
                    }
                }
            } finally {
                lock.unlock();
            }
        } else if (code == ErrorCode.BUSY && error.failedType() == FrameType.APPEND) {
            pauseAfterBusy(gen, error.sequence(), what);
        } else if (code == ErrorCode.BUSY) {
            connectionFailed(c, what, c.address()); // refused at the handshake: too many clients here
            lock.lock();
            try {
                backOff();
            } finally {
                lock.unlock();
            }
        } else {
            connectionFailed(c, what, null);
        }
    }

    /**
     * The node was too busy for one of this connection's frames: the connection stays (a new one would cost the
     * node a 4 MiB ring per client per BUSY under overload), sending pauses for the back-off, and everything not
     * yet acknowledged is sent again from the oldest, one frame until one is acknowledged. Frames pipelined behind
     * the refused one may have been taken meanwhile; sent again, they are answered from the node's session table
     * with their indexes. A BUSY for a frame sent before the last pause (no longer in {@link #sentFrames}) is
     * part of the same burst and changes nothing.
     */
    private void pauseAfterBusy(int gen, long firstSequence, String what) {
        lock.lock();
        try {
            if (gen != generation || sentFrames.countOf(firstSequence) == 0) {
                return;
            }
            long now = System.nanoTime();
            sendsPausedUntilNanos = now + backoffNanos;
            backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
            lastProgressNanos = sendsPausedUntilNanos; // the pause is not a silent node
            lastProblem = what;
            sentFrames.clear();
            ackedOnThisConnection = false;
            window.rewind();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A frame of this connection was refused before it reached the node's log: if it was its sequences' first
     * send, they are as if never sent, and go out again without RESEND. Otherwise a new client whose first
     * frame met a follower or a busy leader would resend it flagged, and a leader whose session table has
     * forgotten history refuses a flagged append of a client it does not know (it cannot tell whether an
     * earlier send landed): the client's very first appends would fail.
     */
    private void forgetRefusedFirstSend(int gen, long firstSequence) {
        lock.lock();
        try {
            if (gen == generation && sentFrames.isFirstSend(firstSequence)) {
                window.notAppended(firstSequence, sentFrames.countOf(firstSequence));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks connection {@code c} (if it is still current) for the send thread to close, and reconnect to
     * {@code next} when given, else to the next address.
     */
    private void connectionFailed(FrameConnection c, String problem, NodeAddress next) {
        lock.lock();
        try {
            if (connection == c && !abandonConnection) {
                abandonConnection = true;
                lastProblem = problem;
                redirect = next;
                if (senderWaiting) {
                    work.signal();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** ": why" when the client closed itself (its send thread failed); empty after a close by the user. Under the lock. */
    private String becauseClosed() {
        return closedBecause == null ? "" : ": " + closedBecause;
    }

    private void finishOnClose() {
        FrameConnection c;
        lock.lock();
        try {
            c = connection;
            connection = null;
            window.fail(window.lowest(), window.outstanding(), new LogClientException("client closed before the append was acknowledged"
                + becauseClosed()), senderCompletions);
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        senderCompletions.deliver();
        if (c != null) {
            c.close();
        }
    }

    @Override
    public void close() {
        Thread s;
        lock.lock();
        try {
            closed = true;
            s = sender;
            work.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        if (s == Thread.currentThread()) {
            return; // closed from a callback on the send thread: it finishes when the callback returns
        }
        if (s != null) {
            try {
                s.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            finishOnClose();
        }
    }
}
