package io.raftlog.net.client;

import io.raftlog.net.codec.AppendAckFrame;
import io.raftlog.net.codec.ClientAppendDecoder;
import io.raftlog.net.codec.ClientAppendEncoder;
import io.raftlog.net.codec.EndOfLogFrame;
import io.raftlog.net.codec.EntriesEncoder;
import io.raftlog.net.codec.ErrorCode;
import io.raftlog.net.codec.ErrorFrame;
import io.raftlog.net.codec.FetchFrame;
import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.HandshakeFrame;
import io.raftlog.net.codec.Protocol;
import io.raftlog.net.codec.RequestIdFrame;
import io.raftlog.net.codec.Roles;
import io.raftlog.net.codec.StatusFrame;
import io.raftlog.raft.Role;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A stand-in for a raftlog node that speaks the real codec over a real loopback socket and behaves as a
 * test scripts it: a leader that acknowledges appends into a shared {@link FakeLog}, a follower that
 * redirects, a hung node that accepts connections and never answers, a node that dies after N appends
 * without acknowledging them, a node that cuts a tail after N entries. Plain blocking sockets and a
 * thread per connection: simple enough to trust as a test oracle.
 */
final class FakeNode implements AutoCloseable {

    enum Mode { LEADER, FOLLOWER, SILENT }

    private final int nodeId;
    private final FakeLog log;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger appendFrames = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Mode mode = Mode.LEADER;
    private volatile String leaderHint = "";
    private volatile int leaderHintId = 9;
    private volatile int dieAfterPayloads = -1;
    private volatile int cutTailAfterEntries = -1;
    private volatile long compactedBefore = 1;
    private volatile int resendOverlap;
    private volatile int lag;
    private final AtomicInteger refuseFirstAppends = new AtomicInteger();
    private final AtomicInteger busyFirstAppends = new AtomicInteger();
    private volatile int busyFrameBehindWhichOneLands = -1;
    /** The BUSY answer held back until the frame behind it has landed (only the serving thread touches it). */
    private ExpandableArrayBuffer heldBusy;
    private int heldBusyLength;
    private final AtomicInteger dropFirstFetches = new AtomicInteger();
    private volatile boolean ignoreFetches;
    /** How long after its first FETCH the node knows no leader (see {@link #leaderlessFor}); null: it knows one. */
    private volatile Duration leaderlessFor;
    private volatile long leaderFoundAtNanos;
    private volatile long ackAfterMillis;
    /** Sends the acknowledgements held back by {@link #ackAfter}; made on first use. */
    private ScheduledExecutorService delayedAcks;
    private final AtomicInteger resendFrames = new AtomicInteger();
    private volatile int maxEntriesPerAppend = Integer.MAX_VALUE;
    /** Refusals say the append appended nothing (ErrorFrame.FLAG_NOT_APPENDED), as a real node's do. */
    private volatile boolean refusalsSayNotAppended = true;
    private volatile CountDownLatch handshakeGate = new CountDownLatch(0);
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private volatile int stallAfterAppendFrames = -1;
    private volatile boolean silentAfterHandshake;
    private volatile int trickleBytes;
    private volatile long trickleGapMillis;
    private final AtomicInteger unansweredHandshakes = new AtomicInteger();
    private final AtomicInteger statusRequests = new AtomicInteger();
    private volatile boolean closed;

    FakeNode(int nodeId, FakeLog log) throws IOException {
        this.nodeId = nodeId;
        this.log = log;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "fake-node-" + nodeId);
        t.setDaemon(true);
        t.start();
    }

    NodeAddress address() {
        return new NodeAddress("127.0.0.1", server.getLocalPort());
    }

    FakeNode mode(Mode m) {
        this.mode = m;
        return this;
    }

    /** As a follower, name this leader address in NOT_LEADER ("" = no leader known). */
    FakeNode leaderHint(String address) {
        this.leaderHint = address;
        return this;
    }

    /** As {@link #leaderHint(String)}, with the leader's node id (9 otherwise). */
    FakeNode leaderHint(FakeNode leader) {
        this.leaderHint = leader.address().toString();
        this.leaderHintId = leader.nodeId;
        return this;
    }

    /** Appends the first {@code n} payloads it receives to the log, then dies without acknowledging them. */
    FakeNode dieAfterPayloads(int n) {
        this.dieAfterPayloads = n;
        return this;
    }

    /** Sends {@code n} entries to a tail and then dies. */
    FakeNode cutTailAfterEntries(int n) {
        this.cutTailAfterEntries = n;
        return this;
    }

    /**
     * Knows no leader for {@code d} from its first FETCH on (a day or more: for good), as a
     * real node that lost its leader does long enough: its commit index stands still (here: below every fetch's
     * index, as on a node that restarted and has not heard from a leader yet), and a following fetch gets
     * END_OF_LOG and then ERROR NO_LEADER.
     */
    FakeNode leaderlessFor(Duration d) {
        this.leaderlessFor = d;
        return this;
    }

    private boolean leaderless() {
        Duration d = leaderlessFor;
        if (d == null) {
            return false;
        }
        synchronized (this) {
            if (leaderFoundAtNanos == 0) {
                long now = System.nanoTime();
                leaderFoundAtNanos = d.compareTo(Duration.ofDays(1)) >= 0 ? Long.MAX_VALUE : now + d.toNanos();
            }
        }
        return leaderFoundAtNanos == Long.MAX_VALUE || System.nanoTime() - leaderFoundAtNanos < 0;
    }

    /** Serves and reports a commit index this many entries behind the shared log (a follower catching up). */
    FakeNode lag(int entries) {
        this.lag = entries;
        return this;
    }

    /** Answers its first {@code n} APPEND frames BUSY (an overloaded leader), then takes them. */
    FakeNode busyFirstAppends(int n) {
        busyFirstAppends.set(n);
        return this;
    }

    /**
     * Answers APPEND frame {@code n} (counting every APPEND frame from 1) BUSY, but only after the frame
     * pipelined behind it has been appended, and never acknowledges that one: a leader that had no room for
     * one frame and took the next, whose commit is still to come when the client hears of the refusal.
     */
    FakeNode busyAppendFrameBehindWhichOneLands(int n) {
        busyFrameBehindWhichOneLands = n;
        return this;
    }

    /** Refusals leave open whether the append landed (a node of an older version, or a leader stepping down). */
    FakeNode refusalsLeaveItOpen() {
        this.refusalsSayNotAppended = false;
        return this;
    }

    /** After acknowledging {@code n} APPEND frames, stops reading its connections (a node that hangs). */
    FakeNode stallAfterAppendFrames(int n) {
        this.stallAfterAppendFrames = n;
        return this;
    }

    /** Answers the handshake, then reads everything and answers nothing, pings included (a node that froze). */
    FakeNode silentAfterHandshake() {
        this.silentAfterHandshake = true;
        return this;
    }

    /** Sends each ENTRIES frame {@code bytes} at a time, {@code gap} apart (a slow or lossy link under a large frame). */
    FakeNode trickleEntries(int bytes, Duration gap) {
        this.trickleGapMillis = gap.toMillis();
        this.trickleBytes = bytes;
        return this;
    }

    /** Connections made from now on are served again after {@link #silentAfterHandshake} (a node that thawed). */
    FakeNode speakAgain() {
        this.silentAfterHandshake = false;
        return this;
    }

    /** STATUS_REQUEST frames answered (a client's pings, or its status asks). */
    int statusRequestsAnswered() {
        return statusRequests.get();
    }

    /** Leaves the handshakes of the first {@code n} connections unanswered (a node still starting, or hung). */
    FakeNode leaveFirstHandshakesUnanswered(int n) {
        unansweredHandshakes.set(n);
        return this;
    }

    /** Holds every handshake answer until {@link #releaseHandshakes()}: lets a client queue appends first. */
    FakeNode holdHandshakes() {
        handshakeGate = new CountDownLatch(1);
        return this;
    }

    void releaseHandshakes() {
        handshakeGate.countDown();
    }

    /** Answers the first {@code n} APPEND frames NOT_LEADER (no leader known), then leads. */
    FakeNode refuseFirstAppends(int n) {
        refuseFirstAppends.set(n);
        return this;
    }

    /** Closes the connection of each of the first {@code n} FETCH frames instead of serving it (a node restarting). */
    FakeNode dropFirstFetches(int n) {
        dropFirstFetches.set(n);
        return this;
    }

    /** Acknowledges each APPEND this long after it came (a slow commit), reading on meanwhile. */
    FakeNode ackAfter(Duration delay) {
        ackAfterMillis = delay.toMillis();
        return this;
    }

    /** Takes FETCH frames and never serves them, while answering STATUS (a node whose fetch thread hangs). */
    FakeNode ignoreFetches() {
        ignoreFetches = true;
        return this;
    }

    /** Serves every fetch from this many entries before the index asked for (a node that repeats itself). */
    FakeNode resendOverlap(int entries) {
        this.resendOverlap = entries;
        return this;
    }

    /** Fetches below {@code index} are answered COMPACTED. */
    FakeNode compactedBefore(long index) {
        this.compactedBefore = index;
        return this;
    }

    int appendFramesReceived() {
        return appendFrames.get();
    }

    /** Answers TOO_LARGE to an APPEND of more than {@code n} payloads, as a node with a lower limit does. */
    FakeNode maxEntriesPerAppend(int n) {
        this.maxEntriesPerAppend = n;
        return this;
    }

    /** APPEND frames that carried the RESEND flag (sequences the client sent before). */
    int resendFramesReceived() {
        return resendFrames.get();
    }

    int connectionsAccepted() {
        return connections.get();
    }

    boolean isClosed() {
        return closed;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "fake-node-" + nodeId + "-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            ExpandableArrayBuffer frameBuffer = new ExpandableArrayBuffer(1024);
            ExpandableArrayBuffer reply = new ExpandableArrayBuffer(1024);
            boolean handshaken = false;
            boolean silentHere = false;
            int payloadsSeen = 0;
            while (!closed) {
                int length = Integer.reverseBytes(in.readInt());
                byte[] bytes = new byte[length];
                System.arraycopy(intLe(length), 0, bytes, 0, 4);
                in.readFully(bytes, 4, length - 4);
                UnsafeBuffer frame = new UnsafeBuffer(bytes);
                int type = Protocol.type(frame, 0);
                if (mode == Mode.SILENT) {
                    continue; // hung: reads everything, answers nothing
                }
                if (!handshaken) {
                    HandshakeFrame hs = new HandshakeFrame();
                    if (type != FrameType.HANDSHAKE || hs.wrap(frame, 0, length) != null || hs.role() != Roles.CLIENT) {
                        throw new IOException("expected a client HANDSHAKE first");
                    }
                    if (unansweredHandshakes.getAndDecrement() > 0) {
                        continue; // reads on, never answers: the client gives up on this connection
                    }
                    handshakeGate.await();
                    int n = hs.encode(reply, 0, FrameType.HANDSHAKE_ACCEPT, hs.clusterId(), nodeId, Roles.NODE, 0);
                    send(out, reply, n);
                    handshaken = true;
                    silentHere = silentAfterHandshake;
                    continue;
                }
                if (silentHere) {
                    continue;
                }
                switch (type) {
                    case FrameType.APPEND -> {
                        payloadsSeen = onAppend(frame, length, out, reply, payloadsSeen);
                        if (stallAfterAppendFrames >= 0 && appendFrames.get() >= stallAfterAppendFrames) {
                            closedLatch.await(); // hung: reads nothing more, so the client's writes back up
                        }
                    }
                    case FrameType.FETCH -> {
                        if (dropFirstFetches.getAndDecrement() > 0) {
                            throw new IOException("dropping the connection of this fetch");
                        }
                        if (!ignoreFetches) {
                            onFetch(frame, length, out);
                        }
                    }
                    case FrameType.STATUS_REQUEST -> onStatus(frame, length, out, reply);
                    default -> throw new IOException("unexpected " + FrameType.name(type));
                }
                if (closed) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // connection over
        }
    }

    private int onAppend(UnsafeBuffer frame, int length, OutputStream out, ExpandableArrayBuffer reply, int payloadsSeen)
        throws IOException {
        int ordinal = appendFrames.incrementAndGet();
        if ((Protocol.flags(frame, 0) & ClientAppendEncoder.FLAG_RESEND) != 0) {
            resendFrames.incrementAndGet();
        }
        ClientAppendDecoder append = ClientAppendDecoder.forMaxFrameLength(Protocol.DEFAULT_MAX_FRAME_LENGTH);
        String bad = append.wrap(frame, 0, length);
        if (bad != null) {
            throw new IOException(bad);
        }
        int refusal = refusalsSayNotAppended ? ErrorFrame.FLAG_NOT_APPENDED : 0;
        if (mode == Mode.FOLLOWER) {
            int n = new ErrorFrame().encode(reply, 0, ErrorCode.NOT_LEADER, FrameType.APPEND, refusal, leaderHint.isEmpty() ? 0 : leaderHintId,
                append.clientId(), append.firstSequence(), leaderHint, "not the leader");
            send(out, reply, n);
            return payloadsSeen;
        }
        if (append.count() > maxEntriesPerAppend) {
            int n = new ErrorFrame().encode(reply, 0, ErrorCode.TOO_LARGE, FrameType.APPEND, refusal, nodeId, append.clientId(),
                append.firstSequence(), "", append.count() + " payloads in one append; the limit is " + maxEntriesPerAppend);
            send(out, reply, n);
            return payloadsSeen;
        }
        if (ordinal == busyFrameBehindWhichOneLands) {
            heldBusy = new ExpandableArrayBuffer();
            heldBusyLength = new ErrorFrame().encode(heldBusy, 0, ErrorCode.BUSY, FrameType.APPEND, refusal, nodeId,
                append.clientId(), append.firstSequence(), "", "busy; retry later");
            return payloadsSeen; // answered once the next frame has landed
        }
        boolean landsUnacknowledged = heldBusy != null && ordinal == busyFrameBehindWhichOneLands + 1;
        if (busyFirstAppends.getAndDecrement() > 0) {
            int n = new ErrorFrame().encode(reply, 0, ErrorCode.BUSY, FrameType.APPEND, refusal, nodeId, append.clientId(),
                append.firstSequence(), "", "busy; retry later");
            send(out, reply, n);
            return payloadsSeen;
        }
        if (refuseFirstAppends.getAndDecrement() > 0) {
            // Not leader yet: refuses this frame, accepts the next (a node that just won an election).
            int n = new ErrorFrame().encode(reply, 0, ErrorCode.NOT_LEADER, FrameType.APPEND, refusal, 0, append.clientId(),
                append.firstSequence(), "", "not the leader yet");
            send(out, reply, n);
            return payloadsSeen;
        }
        if (log.olderThanRemembered(append.clientId(), append.firstSequence())) {
            int n = new ErrorFrame().encode(reply, 0, ErrorCode.INVALID, FrameType.APPEND, nodeId, append.clientId(),
                append.firstSequence(), "", "sequence is older than the sequences this node remembers");
            send(out, reply, n);
            return payloadsSeen;
        }
        int known = log.known(append.clientId(), append.firstSequence(), append.count());
        if (known > 0 && known < append.count()) {
            // As the real leader: a retry must be wholly in the log or wholly new.
            int n = new ErrorFrame().encode(reply, 0, ErrorCode.INVALID, FrameType.APPEND, nodeId, append.clientId(),
                append.firstSequence(), "", "sequences overlap a different append already in the log");
            send(out, reply, n);
            return payloadsSeen;
        }
        long firstIndex = -1;
        for (int i = 0; i < append.count(); i++) {
            byte[] p = new byte[append.payloadLength(i)];
            frame.getBytes(append.payloadOffset(i), p);
            long index = log.append(append.clientId(), append.firstSequence() + i, p);
            if (i == 0) {
                firstIndex = index;
            } else if (index != firstIndex + i) {
                throw new IllegalStateException("fake log gave non-contiguous indexes within one APPEND");
            }
            payloadsSeen++;
            if (dieAfterPayloads >= 0 && payloadsSeen >= dieAfterPayloads) {
                close(); // committed but never acknowledged: the client must retry elsewhere, same sequences
                return payloadsSeen;
            }
        }
        if (landsUnacknowledged) {
            send(out, heldBusy, heldBusyLength);
            heldBusy = null;
            return payloadsSeen;
        }
        int n = new AppendAckFrame().encode(reply, 0, append.clientId(), append.firstSequence(), firstIndex, append.count());
        if (ackAfterMillis > 0) {
            sendLater(out, reply, n);
            return payloadsSeen;
        }
        send(out, reply, n);
        return payloadsSeen;
    }

    /** Serves a FETCH on its own thread, so that the connection keeps answering (STATUS pings) meanwhile. */
    private void onFetch(UnsafeBuffer frame, int length, OutputStream out) throws IOException {
        FetchFrame fetch = new FetchFrame();
        if (fetch.wrap(frame, 0, length) != null) {
            throw new IOException("bad FETCH");
        }
        long requestId = fetch.requestId();
        long from = fetch.fromIndex();
        boolean follow = fetch.follow();
        Thread pusher = new Thread(() -> {
            try {
                push(requestId, from, follow, out);
            } catch (IOException | InterruptedException e) {
                // connection over
            }
        }, "fake-node-" + nodeId + "-fetch");
        pusher.setDaemon(true);
        pusher.start();
    }

    private void push(long requestId, long from, boolean follow, OutputStream out) throws IOException, InterruptedException {
        ExpandableArrayBuffer buf = new ExpandableArrayBuffer(4096);
        long next = from;
        if (next < compactedBefore) {
            int n = new io.raftlog.net.codec.CompactedFrame().encode(buf, 0, requestId, compactedBefore);
            send(out, buf, n);
            return;
        }
        if (follow && leaderless()) {
            int n = new EndOfLogFrame().encode(buf, 0, requestId, next, next - 1);
            send(out, buf, n);
            n = new ErrorFrame().encode(buf, 0, ErrorCode.NO_LEADER, FrameType.FETCH, 0, requestId, 0, null,
                "node " + nodeId + " has known no leader (fake)");
            send(out, buf, n);
            return;
        }
        next = Math.max(1, next - resendOverlap);
        int sent = 0;
        boolean endOfLogSent = false;
        while (!closed) {
            long last = Math.max(0, log.lastIndex() - lag);
            if (next <= last) {
                EntriesEncoder enc = new EntriesEncoder().wrap(buf, 0, 64 * 1024, requestId, next);
                while (next <= last) {
                    byte[] e = log.get(next);
                    if (e != null && !enc.add(next, new UnsafeBuffer(e), 0, e.length)) {
                        break;
                    }
                    next++;
                    if (e != null && cutTailAfterEntries >= 0 && ++sent >= cutTailAfterEntries) {
                        send(out, buf, enc.frameLength());
                        close();
                        return;
                    }
                }
                sendEntries(out, buf, enc.frameLength());
                endOfLogSent = false;
            } else {
                if (!endOfLogSent) {
                    // Once per catch-up, as the real node does: an idle subscription is silent.
                    int n = new EndOfLogFrame().encode(buf, 0, requestId, next, last);
                    send(out, buf, n);
                    endOfLogSent = true;
                }
                if (!follow) {
                    return;
                }
                log.awaitBeyond(last + lag, 50);
            }
        }
    }

    private void onStatus(UnsafeBuffer frame, int length, OutputStream out, ExpandableArrayBuffer reply) throws IOException {
        RequestIdFrame req = new RequestIdFrame();
        if (req.wrap(frame, 0, length) != null) {
            throw new IOException("bad STATUS_REQUEST");
        }
        statusRequests.incrementAndGet();
        boolean leader = mode == Mode.LEADER && leaderlessFor == null;
        StatusFrame st = new StatusFrame().wrap(reply, 0, req.requestId(), nodeId, leader ? Role.LEADER : Role.FOLLOWER,
            3, leader ? nodeId : 0, Math.max(0, log.lastIndex() - lag), 1, log.lastIndex(), log.lastIndex());
        if (leader) {
            st.addPeer(nodeId + 1, log.lastIndex() - 1, 10);
        }
        send(out, reply, st.frameLength());
    }

    /** Sends an ENTRIES frame, in pieces with pauses between them if {@link #trickleEntries} asked for it. */
    private void sendEntries(OutputStream out, ExpandableArrayBuffer buf, int length) throws IOException {
        int chunk = trickleBytes;
        if (chunk <= 0) {
            send(out, buf, length);
            return;
        }
        synchronized (out) {
            for (int at = 0; at < length; at += chunk) {
                out.write(buf.byteArray(), at, Math.min(chunk, length - at));
                out.flush();
                try {
                    Thread.sleep(trickleGapMillis); // the slow link being scripted, not a synchronisation
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while trickling");
                }
            }
        }
    }

    private static void send(OutputStream out, ExpandableArrayBuffer buf, int length) throws IOException {
        synchronized (out) { // the connection thread and a fetch thread may both answer
            out.write(buf.byteArray(), 0, length);
            out.flush();
        }
    }

    private static byte[] intLe(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    /** Stops accepting and drops every connection (a crashed node: connects are refused from now on). */
    private synchronized void sendLater(OutputStream out, ExpandableArrayBuffer frame, int length) {
        if (delayedAcks == null) {
            delayedAcks = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "fake-node-" + nodeId + "-acks");
                t.setDaemon(true);
                return t;
            });
        }
        ExpandableArrayBuffer copy = new ExpandableArrayBuffer(length);
        copy.putBytes(0, frame, 0, length);
        delayedAcks.schedule(() -> {
            try {
                send(out, copy, length);
            } catch (IOException e) {
                // the connection is gone: the client resends elsewhere
            }
        }, ackAfterMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed = true;
        closedLatch.countDown();
        synchronized (this) {
            if (delayedAcks != null) {
                delayedAcks.shutdownNow();
            }
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
