package io.raftlog.net.transport;

import static io.raftlog.net.codec.Protocol.HEADER_LENGTH;
import static io.raftlog.net.codec.Protocol.ORDER;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import jdk.net.ExtendedSocketOptions;

import io.raftlog.net.codec.ErrorCode;
import io.raftlog.net.codec.ErrorFrame;
import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.HandshakeFrame;
import io.raftlog.net.codec.Protocol;
import io.raftlog.net.codec.Roles;
import io.raftlog.net.transport.TransportCounters.Counter;
import io.raftlog.pipeline.WarningThrottle;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Non-blocking TCP for raftlog frames, as an Agrona {@link Agent}: one thread (the transport thread)
 * owns a {@link Selector} and every socket, and in each duty cycle
 * <ol>
 *   <li>runs commands handed over by other threads ({@link #connect}, {@link #bind}, {@link #execute});</li>
 *   <li>accepts, finishes connects and reads; whole frames go to the {@link FrameHandler} in place (frames
 *       may span reads; a frame's header is checked - length, version, type - before its body is read or
 *       any buffer grows for it);</li>
 *   <li>for every connection, copies the frames other threads committed to its outbound ring into its
 *       write buffer and writes them with one system call (many frames per write);</li>
 *   <li>reconnects outbound connections whose time has come, times out handshakes, closes what was asked.</li>
 * </ol>
 * When cycles find nothing to do, the thread spins a little, yields, then blocks in the selector for up to
 * 10 ms ({@link TransportConfig#idle}): network input wakes it at once, a frame offered by another thread
 * wakes it through a pipe of its own ({@link SelectorWakeup}, paid only while it sleeps), and an idle node does not burn
 * a core. Run it on its own thread with {@link #start()}, or call {@link #doWork()} from a loop you own and
 * sleep in {@link #block(long, BooleanSupplier)} (a raftlog node's raft thread does, with shared threading).
 *
 * <p><b>Handshake.</b> The transport does it: an outbound connection sends HANDSHAKE (this side's cluster id,
 * role, node id) and waits for HANDSHAKE_ACCEPT; an accepted connection must send HANDSHAKE first, is checked
 * (version, cluster id, role) and answered. Only then does {@link FrameHandler#onConnected} run, and only then
 * do frames reach {@link FrameHandler#onFrame} - and only the types the remote's role may send (see
 * docs/PROTOCOL.md). A node accepts peers and clients; a client transport only connects.
 *
 * <p><b>Bad input</b> (a bad length, version or type, anything before the handshake, a second handshake, a
 * client sending peer frames, a handshake that does not arrive in time, a connection that ends mid-frame)
 * closes only that connection, after an ERROR frame saying why where the socket still takes one, and counts
 * it in {@link #counters()}. Exceptions thrown by the handler close only the connection whose frame caused
 * them.
 *
 * <p><b>Memory</b> per connection is bounded: the outbound ring (fixed), the write buffer (grows once to
 * the largest frame sent) and the read buffer (grows to the largest frame received, at most the maximum
 * frame length). A slow reader fills its ring and then senders are refused; the node never buffers more.
 */
public final class Transport implements Agent, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);
    /** Frames copied from one ring per drain, so one busy connection cannot starve the others. */
    private static final int DRAIN_LIMIT = 4096;
    private static final int ACCEPTS_PER_CYCLE = 16;
    private static final int WARN_FIRST = 100;

    private final TransportConfig config;
    private final FrameHandler handler;
    private final TransportCounters counters = new TransportCounters();
    /** How long a close keeps sending what the rings still hold. */
    private static final long CLOSE_SEND_NS = 100_000_000L;
    private final Selector selector;
    private final SelectorWakeup wakeup;
    private final ArrayList<Connection> connections = new ArrayList<>();
    private final ArrayList<ServerSocketChannel> servers = new ArrayList<>();
    private final ManyToOneConcurrentArrayQueue<Runnable> commands = new ManyToOneConcurrentArrayQueue<>(1024);
    private final AtomicLong nextId = new AtomicLong(1);
    private final HandshakeFrame handshake = new HandshakeFrame();
    private final ErrorFrame errorFrame = new ErrorFrame();
    private final Consumer<SelectionKey> onReady = this::onReady;
    private final Consumer<SelectionKey> onReadyAfterSleep = this::onReadyAfterSleep;
    private final ControlledMessageHandler copyToWriteBuffer = this::copyToWriteBuffer;
    private static final BooleanSupplier NOTHING_ELSE = () -> false;
    private final MessageHandler discard = (type, buffer, index, length) -> counters.increment(Counter.FRAMES_DISCARDED);
    private final Consumer<Runnable> runCommand = Runnable::run;
    private Connection draining;
    private long nowNs;
    private final WarningThrottle warnings = new WarningThrottle(LOG, WARN_FIRST);
    /** Accepted sockets still in their handshake, and accepted client connections (peers are not counted). */
    private int acceptedHandshaking;
    private int acceptedClients;
    private final int maxClients;
    static final int COUNTED_NOT = 0;
    static final int COUNTED_HANDSHAKING = 1;
    static final int COUNTED_CLIENT = 2;
    /** Handshakes accepted beyond {@link TransportConfig#maxAcceptedConnections}, so that peers get in. */
    private static final int PEER_ROOM = 16;
    private static final int KEEPALIVE_IDLE_SECONDS = 60;
    private static final int KEEPALIVE_INTERVAL_SECONDS = 10;
    private static final int KEEPALIVE_PROBES = 3;
    private AgentRunner runner;
    private volatile boolean sleeping;
    /** Threads that look up remotes given by host name; made at the first such lookup (transport thread only). */
    private volatile ExecutorService lookups;

    public Transport(TransportConfig config, FrameHandler handler) {
        if (config.role == Roles.NODE && config.nodeId == 0) {
            throw new IllegalArgumentException("a node transport needs a non-zero node id");
        }
        this.config = config;
        this.handler = handler;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        try {
            this.wakeup = new SelectorWakeup(selector);
        } catch (IOException e) {
            CloseHelper.quietClose(selector);
            throw new UncheckedIOException("cannot open the selector's wake-up pipe", e);
        }
        this.nowNs = System.nanoTime();
        this.maxClients = clientsThatFit(config);
    }

    /** {@link TransportConfig#maxAcceptedConnections}, lowered to what the direct memory holds (said once, here). */
    private static int clientsThatFit(TransportConfig config) {
        if (config.role != Roles.NODE) {
            return config.maxAcceptedConnections;
        }
        long limit = config.directMemoryLimit > 0 ? config.directMemoryLimit : DirectMemory.limit();
        long perClient = DirectMemory.perClient(config);
        int fit = DirectMemory.clientsThatFit(limit, perClient, config.maxAcceptedConnections);
        if (fit < config.maxAcceptedConnections) {
            LOG.info("node {} takes at most {} client connections, not {}: each may hold {} KiB of direct memory and"
                + " the JVM allows {} MiB (-XX:MaxDirectMemorySize, by default the heap's maximum), half of it for"
                + " clients", config.nodeId, fit, config.maxAcceptedConnections, perClient / 1024, limit >> 20);
        }
        return fit;
    }

    /** The client connections this node takes (see {@link #clientsThatFit}). */
    public int maxClients() {
        return maxClients;
    }

    public TransportConfig config() {
        return config;
    }

    public TransportCounters counters() {
        return counters;
    }

    /** Starts the transport thread (a daemon) with the configured idle strategy. */
    public synchronized Transport start() {
        if (runner != null) {
            throw new IllegalStateException("already started");
        }
        TransportIdleStrategy idle = new TransportIdleStrategy(this, config.idleSpins, config.idleYields, config.idleBlockNs);
        runner = new AgentRunner(idle, t -> LOG.error("transport duty cycle failed", t), null, this);
        AgentRunner.startOnThread(runner, r -> {
            Thread thread = new Thread(r, config.threadName);
            thread.setDaemon(true);
            return thread;
        });
        return this;
    }

    /** Stops the thread (if started) and closes every socket. Not from the transport thread itself. */
    @Override
    public synchronized void close() {
        if (runner != null) {
            runner.close();
        } else {
            onClose();
        }
    }

    /**
     * Listens on {@code local} (port 0 picks a free port) and returns the bound address. Any thread; the
     * socket is bound before this returns, connections are accepted once the transport runs.
     */
    public InetSocketAddress bind(InetSocketAddress local) {
        if (config.role != Roles.NODE) {
            throw new IllegalStateException("a client transport does not accept connections");
        }
        try {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(local, 128);
            server.configureBlocking(false);
            InetSocketAddress bound = (InetSocketAddress) server.getLocalAddress();
            execute(() -> {
                try {
                    servers.add(server);
                    server.register(selector, SelectionKey.OP_ACCEPT, server);
                } catch (IOException e) {
                    LOG.error("cannot listen on {}", bound, e);
                    CloseHelper.quietClose(server);
                }
            });
            return bound;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + local + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens a connection to {@code remote}; any thread. Returns at once: the handshake completes on the
     * transport thread and {@link FrameHandler#onConnected} says when to start sending. With
     * {@code reconnect}, a failed or lost connection is retried with capped exponential backoff (the same
     * {@link Connection} object, id and ring) until {@link Connection#close} is called.
     */
    public Connection connect(InetSocketAddress remote, boolean reconnect) {
        return connect(remote, reconnect, 0);
    }

    /** As {@link #connect(InetSocketAddress, boolean)}, refusing an acceptor that is not node {@code nodeId}. */
    public Connection connect(InetSocketAddress remote, boolean reconnect, int nodeId) {
        Connection c = new Connection(this, nextId.getAndIncrement(), true, reconnect, remote, config, counters);
        c.reconnectDelayNs = config.reconnectMinNs;
        c.expectNodeId(nodeId); // before the command queue publishes c to the transport thread
        execute(() -> {
            connections.add(c);
            openSocket(c);
        });
        return c;
    }

    /** Runs {@code task} on the transport thread at the start of a duty cycle; any thread. */
    public void execute(Runnable task) {
        while (!commands.offer(task)) {
            Thread.onSpinWait(); // 1024 commands queued: only at start-up storms; the thread drains them
        }
        wakeUpIfSleeping();
    }

    /**
     * Called after a frame was committed to a ring or a command queued: wakes the transport thread if it
     * is blocked in the selector. The fence orders the commit before the read of {@code sleeping}; the
     * transport sets {@code sleeping} before it looks at the rings a last time, so one of the two sides
     * always sees the other (no lost wake-up).
     */
    public void wakeUpIfSleeping() {
        VarHandle.fullFence();
        if (sleeping) {
            wakeup.wake();
        }
    }

    /** Whether the thread running this transport is (about to be) blocked in the selector. */
    public boolean isSleeping() {
        return sleeping;
    }

    /** Blocks in the selector for up to {@code timeoutNs} unless work is pending; the idle strategy calls it. */
    void block(long timeoutNs) {
        block(timeoutNs, NOTHING_ELSE);
    }

    /**
     * Blocks in the selector for up to {@code timeoutNs} unless work is pending or {@code otherWork} says
     * there is some elsewhere. For a thread that runs this transport's duty cycle among other work (see
     * {@link #doWork}): it is asked after {@code sleeping} is set, so work whose producer then calls
     * {@link #wakeUpIfSleeping} is never slept through.
     */
    public void block(long timeoutNs, BooleanSupplier otherWork) {
        sleeping = true;
        VarHandle.fullFence();
        try {
            if (!commands.isEmpty() || otherWork.getAsBoolean() || sendPending()) {
                return;
            }
            selector.select(onReadyAfterSleep, Math.max(1, timeoutNs / 1_000_000));
        } catch (IOException e) {
            LOG.error("select failed", e);
        } finally {
            sleeping = false;
        }
    }

    /**
     * A key the blocking select returned: the thread is awake from here on, so it says so before it handles
     * the key. The handler may publish to a ring whose wait strategy calls {@link #wakeUpIfSleeping} on this
     * very thread (the raft thread with shared threading does, for every frame it reads); seeing
     * {@code sleeping} still set, that would write the selector's wake-up descriptor, and the next select
     * would return at once only to drain it: three system calls for nothing, per wake-up from the network
     * (W2 traced: each follower message cost eight calls instead of five). No wake-up is lost: whoever
     * commits work after this reads {@code sleeping} false, and this thread looks at everything again before
     * it next blocks ({@link #block} sets the flag first, then checks).
     */
    private void onReadyAfterSleep(SelectionKey key) {
        if (sleeping) {
            sleeping = false;
        }
        onReady(key);
    }

    /**
     * True if a ring has frames that a duty cycle can send now; asks to be woken when a full socket can take
     * more. Frames queued behind bytes the socket has not taken are not work to do now: counted as such, a
     * reader that stopped reading kept the thread from ever blocking (70,000 empty duty cycles in 300 ms, a
     * core spent on one stuck connection), where the OP_WRITE interest wakes it as soon as the socket drains.
     */
    private boolean sendPending() {
        boolean pending = false;
        for (int i = 0; i < connections.size(); i++) {
            Connection c = connections.get(i);
            boolean unwritten = c.unwritten() > 0;
            if (c.state() == Connection.ACTIVE && c.ring().size() > 0 && !unwritten) {
                pending = true;
            }
            if (unwritten && c.key != null && c.key.isValid()) {
                c.key.interestOps(c.key.interestOps() | SelectionKey.OP_WRITE);
            }
        }
        return pending;
    }

    @Override
    public String roleName() {
        return config.threadName;
    }

    @Override
    public int doWork() {
        return doWork(true);
    }

    /**
     * One duty cycle; without {@code pollInput} it leaves out the non-blocking select. For a caller that
     * blocks in {@link #block} right after when it finds nothing else to do: that select reads whatever
     * arrived, so polling just before it is a system call for nothing.
     */
    public int doWork(boolean pollInput) {
        nowNs = System.nanoTime();
        int work = commands.drain(runCommand);
        if (pollInput) {
            try {
                work += selector.selectNow(onReady);
            } catch (IOException e) {
                LOG.error("select failed", e);
            }
        }
        for (int i = 0; i < connections.size(); i++) {
            Connection c = connections.get(i);
            work += service(c);
            if (c.state() == Connection.CLOSED) {
                connections.remove(i--);
            }
        }
        return work + handler.onDutyCycle(nowNs);
    }

    /**
     * Runs on the thread that ran the duty cycles (the transport's own, or the caller of {@link #close} when none
     * was started): first sends what the rings still hold, then closes every socket. A stopping node's last
     * answers (NOT_LEADER to the appends it could not commit) are offered just before its transport closes, and
     * with a thread of its own the transport may not have run a cycle since; without this, they were lost and the
     * client saw the connection end instead (an EOF, seen once in RaftServerClusterTest).
     */
    @Override
    public void onClose() {
        sendWhatIsLeft();
        for (Connection c : connections) {
            CloseHelper.quietClose(c.channel);
            c.state(Connection.CLOSED);
        }
        connections.clear();
        servers.forEach(CloseHelper::quietClose);
        servers.clear();
        wakeup.close();
        CloseHelper.quietClose(selector);
        if (lookups != null) {
            lookups.shutdownNow();
        }
    }

    /**
     * Duty cycles without reading, while they find work, for at most {@link #CLOSE_SEND_NS}: a peer or client that
     * does not read must not hold up the close (frames behind a socket that takes nothing are not work).
     */
    private void sendWhatIsLeft() {
        long deadline = System.nanoTime() + CLOSE_SEND_NS;
        try {
            while (doWork(false) > 0 && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
        } catch (RuntimeException e) {
            LOG.warn("sending the last frames before closing failed: {}", e.toString());
        }
    }

    // ---- per connection ----

    private int service(Connection c) {
        String closeRequest = c.takeCloseRequest();
        if (closeRequest != null && c.state() != Connection.CLOSED) {
            closeNow(c, closeRequest);
            return 1;
        }
        switch (c.state()) {
            case Connection.ACTIVE: {
                int work = flush(c, true);
                if (c.isOutbound() && c.unwritten() > 0 && nowNs - c.writeProgressNs > config.outboundWriteStallNs) {
                    counters.increment(Counter.WRITE_STALLS);
                    String why = "the socket took nothing for " + config.outboundWriteStallNs / 1_000_000 + " ms";
                    warn("{}: {}; connecting again", c, why);
                    closeNow(c, why);
                    return work + 1;
                }
                return work;
            }
            case Connection.CONNECTING:
            case Connection.HANDSHAKING:
                discardRing(c);
                if (nowNs - c.deadlineNs > 0) {
                    if (!c.isOutbound()) {
                        protocolError(c, ErrorCode.UNEXPECTED_FRAME, 0, "no handshake within "
                            + config.handshakeTimeoutNs / 1_000_000 + " ms", Counter.HANDSHAKE_TIMEOUTS);
                    } else {
                        counters.increment(Counter.CONNECT_FAILURES);
                        closeNow(c, (c.awaitingLookup ? "no answer from the lookup of host " + c.remoteAddress().getHostString()
                            : "no handshake from " + c.remoteAddress()) + " within " + config.handshakeTimeoutNs / 1_000_000 + " ms");
                    }
                    return 1;
                }
                return c.state() == Connection.HANDSHAKING ? flush(c, false) : 0;
            case Connection.CLOSING:
                int work = flush(c, false);
                if (c.state() != Connection.CLOSING) {
                    return work;
                }
                if (nowNs - c.deadlineNs > 0) {
                    closeNow(c, c.closeReason);
                    return work + 1;
                }
                if (c.unwritten() == 0 && c.inputEnded) {
                    closeNow(c, c.closeReason); // the ERROR is out and the remote sends nothing more
                    return work + 1;
                }
                if (c.unwritten() == 0 && !c.outputShut) {
                    shutOutput(c);
                    work++;
                }
                return work;
            case Connection.WAITING_TO_RECONNECT:
                discardRing(c);
                if (nowNs - c.deadlineNs > 0) {
                    openSocket(c);
                    return 1;
                }
                return 0;
            default:
                return 0;
        }
    }

    private void discardRing(Connection c) {
        if (c.ring() != null && c.ring().size() > 0) {
            c.ring().read(discard);
        }
    }

    /** Moves committed frames from the ring into the write buffer (if {@code drain}) and writes. */
    private int flush(Connection c, boolean drain) {
        int work = 0;
        if (c.unwritten() == 0) {
            c.writeProgressNs = nowNs; // nothing owed: not stalled
        }
        for (int round = 0; round < 4; round++) {
            if (drain) {
                draining = c;
                work += c.ring().controlledRead(copyToWriteBuffer, DRAIN_LIMIT);
            }
            int unwritten = c.unwritten();
            if (unwritten == 0) {
                break;
            }
            ByteBuffer bb = c.writeByteBuffer;
            bb.limit(c.writeEnd).position(c.writeStart);
            int written;
            try {
                written = c.channel.write(bb);
            } catch (IOException e) {
                lost(c, "write to " + c.remoteAddress() + " failed: " + e.getMessage());
                return work + 1;
            }
            counters.increment(Counter.WRITE_CALLS);
            if (written <= 0) {
                break;
            }
            counters.add(Counter.BYTES_WRITTEN, written);
            c.writeStart += written;
            c.writeProgressNs = nowNs;
            work++;
            if (written < unwritten || !drain || c.ring().size() == 0) {
                break; // the socket is full, or nothing more to send
            }
        }
        return work;
    }

    /**
     * Copies one ring record - one or more whole frames back to back, then possibly unused claim space -
     * into the write buffer, in one copy. The frames' own length fields say where they end; the first
     * length that does not fit what is left of the record (zero, as the ring leaves unused space) ends it.
     */
    private ControlledMessageHandler.Action copyToWriteBuffer(int type, MutableDirectBuffer buffer, int index, int length) {
        Connection c = draining;
        int used = 0;
        int frames = 0;
        while (length - used >= HEADER_LENGTH) {
            int frameLength = buffer.getInt(index + used, ORDER);
            if (frameLength < HEADER_LENGTH || frameLength > length - used) {
                break;
            }
            used += frameLength;
            frames++;
        }
        if (frames == 0) {
            // A sender bug, not remote input: never put a broken frame on the wire.
            warn("{}: dropped an outbound record whose first length field says {} in {} bytes", c,
                length >= 4 ? buffer.getInt(index, ORDER) : length, length);
            return ControlledMessageHandler.Action.CONTINUE;
        }
        if (c.writeRoom(used) < used) {
            if (c.unwritten() > 0) {
                return ControlledMessageHandler.Action.ABORT; // write first, then take it
            }
            c.growWriteBuffer(used);
        }
        c.writeBuffer.putBytes(c.writeEnd, buffer, index, used);
        c.writeEnd += used;
        counters.add(Counter.FRAMES_SENT, frames);
        return ControlledMessageHandler.Action.CONTINUE;
    }

    /** Appends a frame the transport itself sends (handshakes, errors) to the write buffer. */
    private MutableDirectBuffer writeSpace(Connection c, int maxLength) {
        if (c.writeRoom(maxLength) < maxLength) {
            c.growWriteBuffer(c.unwritten() + maxLength);
        }
        return c.writeBuffer;
    }

    private void onReady(SelectionKey key) {
        Object attachment = key.attachment();
        if (attachment == wakeup) {
            wakeup.drain();
            return;
        }
        if (attachment instanceof ServerSocketChannel server) {
            if (key.isValid() && key.isAcceptable()) {
                accept(server);
            }
            return;
        }
        Connection c = (Connection) attachment;
        if (!key.isValid() || c.key != key) {
            return;
        }
        if (key.isConnectable()) {
            finishConnect(c);
            return;
        }
        if (key.isWritable()) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE); // the next duty cycle writes
        }
        if (key.isValid() && key.isReadable()) {
            read(c);
        }
    }

    private void accept(ServerSocketChannel server) {
        for (int i = 0; i < ACCEPTS_PER_CYCLE; i++) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                warn("accept failed: {}", e.getMessage(), null);
                return;
            }
            if (channel == null) {
                return;
            }
            InetSocketAddress remote;
            try {
                remote = (InetSocketAddress) channel.getRemoteAddress();
            } catch (IOException e) {
                CloseHelper.quietClose(channel);
                continue;
            }
            if (acceptedHandshaking + acceptedClients >= maxClients + PEER_ROOM) {
                counters.increment(Counter.CONNECTIONS_REFUSED);
                warn("refused a connection from {}: {} client connections and {} handshakes are open", remote,
                    acceptedClients, acceptedHandshaking);
                CloseHelper.quietClose(channel);
                continue;
            }
            Connection c;
            try {
                c = new Connection(this, nextId.getAndIncrement(), false, false, remote, config, counters);
            } catch (OutOfMemoryError e) { // its read and write buffers are direct memory too
                counters.increment(Counter.CONNECTIONS_REFUSED);
                warn("refused a connection from {}: no direct memory left for its buffers ({})", remote, e.getMessage());
                CloseHelper.quietClose(channel);
                continue;
            }
            c.channel = channel;
            try {
                configure(channel);
                c.key = channel.register(selector, SelectionKey.OP_READ, c);
            } catch (IOException e) {
                CloseHelper.quietClose(channel);
                continue;
            }
            c.deadlineNs = nowNs + config.handshakeTimeoutNs;
            c.state(Connection.HANDSHAKING);
            connections.add(c);
            acceptedHandshaking++;
            c.counted = COUNTED_HANDSHAKING;
            counters.increment(Counter.CONNECTIONS_ACCEPTED);
        }
    }

    private void configure(SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        // A connection whose other end vanished (a crashed host, a firewall that forgot the flow) is otherwise
        // never noticed while idle: a node does not write to an idle producer, so its slot and buffers would be
        // held for good. Probes after 60 s of quiet, every 10 s, 3 unanswered: closed in about 90 s.
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        setIfSupported(channel, ExtendedSocketOptions.TCP_KEEPIDLE, KEEPALIVE_IDLE_SECONDS);
        setIfSupported(channel, ExtendedSocketOptions.TCP_KEEPINTERVAL, KEEPALIVE_INTERVAL_SECONDS);
        setIfSupported(channel, ExtendedSocketOptions.TCP_KEEPCOUNT, KEEPALIVE_PROBES);
        if (config.socketBufferLength > 0) {
            channel.setOption(StandardSocketOptions.SO_SNDBUF, config.socketBufferLength);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, config.socketBufferLength);
        }
    }

    private static void setIfSupported(SocketChannel channel, SocketOption<Integer> option, int value) throws IOException {
        if (channel.supportedOptions().contains(option)) {
            channel.setOption(option, value);
        }
    }

    private void openSocket(Connection c) {
        c.resetBuffers();
        c.state(Connection.CONNECTING);
        c.deadlineNs = nowNs + config.handshakeTimeoutNs;
        if (c.remoteAddress().isUnresolved()) {
            lookUp(c); // connects when the lookup answers (lookedUp), within the same deadline
            return;
        }
        connectTo(c, c.remoteAddress());
    }

    /**
     * A remote given by host name is looked up at every attempt, so that a peer whose name resolves only later
     * (it was not in DNS yet when this node started), or moves to another address, is still reached. The lookup
     * blocks, and this thread may be the raft thread: it runs on a thread of its own and hands its answer back
     * with {@link #execute}; an attempt whose deadline passes first is closed as any other, and the next one
     * waits for the lookup still running rather than start another.
     */
    private void lookUp(Connection c) {
        c.awaitingLookup = true;
        if (c.lookupInFlight) {
            return;
        }
        c.lookupInFlight = true;
        InetSocketAddress name = c.remoteAddress();
        lookups().execute(() -> {
            InetSocketAddress[] found = {name}; // unresolved unless the lookup answers
            try {
                found[0] = config.lookup.apply(name);
            } catch (RuntimeException e) {
                LOG.debug("lookup of {} failed", name, e);
            } finally {
                execute(() -> lookedUp(c, found[0])); // always: the connection waits for this answer
            }
        });
    }

    private void lookedUp(Connection c, InetSocketAddress found) {
        c.lookupInFlight = false;
        if (!c.awaitingLookup || c.state() != Connection.CONNECTING) {
            return; // the attempt timed out or the connection closed: a later attempt looks up afresh
        }
        c.awaitingLookup = false;
        if (found.isUnresolved()) {
            counters.increment(Counter.CONNECTIONS_OPENED);
            counters.increment(Counter.CONNECT_FAILURES);
            closeNow(c, "cannot resolve host " + c.remoteAddress().getHostString());
            return;
        }
        connectTo(c, found);
    }

    private ExecutorService lookups() {
        if (lookups == null) {
            lookups = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, config.threadName + "-lookup");
                t.setDaemon(true);
                return t;
            });
        }
        return lookups;
    }

    private void connectTo(Connection c, InetSocketAddress address) {
        counters.increment(Counter.CONNECTIONS_OPENED);
        try {
            SocketChannel channel = SocketChannel.open();
            c.channel = channel;
            configure(channel);
            if (channel.connect(address)) {
                c.key = channel.register(selector, SelectionKey.OP_READ, c);
                startHandshake(c);
            } else {
                c.key = channel.register(selector, SelectionKey.OP_CONNECT, c);
            }
        } catch (IOException | RuntimeException e) {
            counters.increment(Counter.CONNECT_FAILURES);
            closeNow(c, "connect to " + address + " failed: " + e);
        }
    }

    private void finishConnect(Connection c) {
        try {
            if (c.channel.finishConnect()) {
                c.key.interestOps(SelectionKey.OP_READ);
                startHandshake(c);
            }
        } catch (IOException e) {
            counters.increment(Counter.CONNECT_FAILURES);
            closeNow(c, "connect to " + c.remoteAddress() + " failed: " + e.getMessage());
        }
    }

    private void startHandshake(Connection c) {
        c.state(Connection.HANDSHAKING);
        MutableDirectBuffer out = writeSpace(c, HandshakeFrame.LENGTH);
        c.writeEnd += handshake.encode(out, c.writeEnd, FrameType.HANDSHAKE, config.clusterId, config.nodeId, config.role,
            config.membersDigest);
    }

    private void read(Connection c) {
        int state = c.state();
        if (state == Connection.CLOSING) {
            discardInput(c);
            return;
        }
        if (state != Connection.HANDSHAKING && state != Connection.ACTIVE) {
            return;
        }
        ByteBuffer bb = c.readByteBuffer;
        int n;
        try {
            n = c.channel.read(bb);
        } catch (IOException e) {
            lost(c, "read from " + c.remoteAddress() + " failed: " + e.getMessage());
            return;
        }
        counters.increment(Counter.READ_CALLS);
        if (n < 0) {
            int partial = bb.position();
            if (partial > 0) {
                counters.increment(Counter.TRUNCATED);
                counters.increment(Counter.PROTOCOL_ERRORS);
                lost(c, c.remoteAddress() + " closed the connection in the middle of a frame (" + partial + " bytes of it received)");
            } else {
                lost(c, c.remoteAddress() + " closed the connection");
            }
            return;
        }
        if (n > 0) {
            counters.add(Counter.BYTES_READ, n);
            parse(c);
        }
    }

    /**
     * Reads and drops what a connection being closed for an error still sends, so that the error frame
     * is not lost to a reset: closing a socket with unread input resets the connection, and a reset may
     * overtake, or make the remote's kernel drop, an ERROR the remote has not read yet. The socket closes
     * once the remote has closed its side after our FIN, or at the linger deadline.
     */
    private void discardInput(Connection c) {
        ByteBuffer bb = c.readByteBuffer;
        bb.clear();
        try {
            if (c.channel.read(bb) < 0) {
                if (c.outputShut || c.unwritten() == 0) {
                    closeNow(c, c.closeReason); // both sides done: a clean close
                } else {
                    // The ERROR is still going out to a remote that no longer sends (it may still read). Moving
                    // the deadline here, as this did, kept a remote that never reads lingering for ever, the
                    // transport spinning on the ended stream: stop reading, keep the deadline.
                    c.inputEnded = true;
                    c.key.interestOps(c.key.interestOps() & ~SelectionKey.OP_READ);
                }
            }
        } catch (IOException e) {
            closeNow(c, c.closeReason);
        }
        bb.clear();
    }

    /**
     * Sends a FIN behind the ERROR frame (half-close), so the remote reads the frame and then the end of
     * the stream; the socket itself stays open until the remote closes too (see {@link #discardInput}).
     */
    private void shutOutput(Connection c) {
        c.outputShut = true;
        try {
            c.channel.shutdownOutput();
        } catch (IOException e) {
            closeNow(c, c.closeReason);
        }
    }

    /** Hands every whole frame in the read buffer to the handler; keeps a partial one for the next read. */
    private void parse(Connection c) {
        UnsafeBuffer buffer = c.readBuffer;
        int limit = c.readByteBuffer.position();
        int pos = 0;
        int frames = 0;
        while (limit - pos >= HEADER_LENGTH) {
            int state = c.state();
            if ((state != Connection.HANDSHAKING && state != Connection.ACTIVE) || c.takeCloseRequest() != null
                || !checkHeader(c, buffer, pos)) {
                counters.add(Counter.FRAMES_RECEIVED, frames);
                return; // closed by a frame, the handler or a bad header: ignore the rest
            }
            int length = buffer.getInt(pos, ORDER);
            if (limit - pos < length) {
                break;
            }
            frames++;
            dispatch(c, Protocol.type(buffer, pos), Protocol.flags(buffer, pos), buffer, pos, length);
            pos += length;
        }
        counters.add(Counter.FRAMES_RECEIVED, frames);
        int remaining = limit - pos;
        if (pos > 0 && remaining > 0) {
            buffer.putBytes(0, buffer, pos, remaining);
        }
        c.readByteBuffer.clear().position(remaining);
        if (remaining >= HEADER_LENGTH) {
            int length = buffer.getInt(0, ORDER);
            if (length > buffer.capacity()) {
                try {
                    c.growReadBuffer(length, remaining, config.maxFrameLength); // the header check capped the length
                } catch (OutOfMemoryError e) {
                    protocolError(c, ErrorCode.BUSY, Protocol.type(buffer, 0), "no direct memory left to read a frame of "
                        + length + " bytes (" + e.getMessage() + ")", null);
                }
            }
        }
    }

    /**
     * Checks a frame header as soon as it is here, before reading or allocating for the body: its length and
     * version, and whether the connection may send that type now (a handshake first; afterwards what the
     * remote's role may send). Otherwise eight bytes before any handshake would grow the read buffer to the
     * largest frame, and a few hundred such sockets would take the process's direct memory.
     */
    private boolean checkHeader(Connection c, DirectBuffer buffer, int pos) {
        Admission.Refusal refusal = Admission.checkHeader(buffer, pos, config.maxFrameLength);
        if (refusal == null) {
            int type = Protocol.type(buffer, pos);
            if (c.state() == Connection.HANDSHAKING) {
                boolean expected = c.isOutbound() ? type == FrameType.HANDSHAKE_ACCEPT || type == FrameType.ERROR
                    : type == FrameType.HANDSHAKE;
                if (!expected) {
                    refusal = new Admission.Refusal(ErrorCode.UNEXPECTED_FRAME, type, Counter.UNEXPECTED_FRAME,
                        "expected " + (c.isOutbound() ? "HANDSHAKE_ACCEPT" : "HANDSHAKE") + " first, got " + FrameType.name(type));
                }
            } else if (!c.allowedTypes[type]) {
                refusal = unexpected(c, type);
            }
        }
        if (refusal != null) {
            refuse(c, refusal);
            return false;
        }
        return true;
    }

    /** A frame of a type this connection may not send (checked from its header; dispatch checks again). */
    private Admission.Refusal unexpected(Connection c, int type) {
        return new Admission.Refusal(ErrorCode.UNEXPECTED_FRAME, type, Counter.UNEXPECTED_FRAME,
            type == FrameType.HANDSHAKE || type == FrameType.HANDSHAKE_ACCEPT ? "second handshake on an established connection"
                : "a " + Roles.name(c.remoteRole) + " may not send " + FrameType.name(type) + " to a " + Roles.name(config.role));
    }

    private void refuse(Connection c, Admission.Refusal refusal) {
        protocolError(c, refusal.code(), refusal.failedType(), refusal.message(), refusal.counter());
    }

    private void dispatch(Connection c, int type, int flags, DirectBuffer buffer, int offset, int length) {
        if (c.state() == Connection.HANDSHAKING) {
            if (c.isOutbound()) {
                onHandshakeAnswer(c, type, buffer, offset, length);
            } else {
                onHandshake(c, type, buffer, offset, length);
            }
            return;
        }
        if (!c.allowedTypes[type]) {
            refuse(c, unexpected(c, type));
            return;
        }
        try {
            handler.onFrame(c, type, flags, buffer, offset, length);
        } catch (RuntimeException e) {
            counters.increment(Counter.HANDLER_ERRORS);
            LOG.error("{}: handling a {} frame failed; closing only this connection", c, FrameType.name(type), e);
            protocolError(c, ErrorCode.MALFORMED, type, "could not process " + FrameType.name(type) + ": " + e, null);
        }
    }

    private void onHandshake(Connection c, int type, DirectBuffer buffer, int offset, int length) {
        String wrapError = type == FrameType.HANDSHAKE ? handshake.wrap(buffer, offset, length) : null;
        Admission.Refusal refusal = Admission.checkHandshake(type, handshake, wrapError, config);
        if (refusal != null) {
            refuse(c, refusal);
            return;
        }
        if (handshake.role() == Roles.CLIENT && acceptedClients >= maxClients) {
            counters.increment(Counter.CONNECTIONS_REFUSED);
            protocolError(c, ErrorCode.BUSY, type, acceptedClients + " client connections are open, the most this node takes"
                + (maxClients < config.maxAcceptedConnections ? " in its direct memory (-XX:MaxDirectMemorySize)" : ""), null);
            return;
        }
        int ring = ringCapacityFor(handshake.role());
        try {
            c.allocateRing(ring); // before anything is counted or answered
        } catch (OutOfMemoryError e) {
            // Direct memory taken by others (or connections closed but not yet collected): this one is refused,
            // the node goes on. The JVM has already collected and waited for memory once.
            counters.increment(Counter.CONNECTIONS_REFUSED);
            protocolError(c, ErrorCode.BUSY, type, "no direct memory left for this connection's " + (ring >> 10)
                + " KiB ring (" + e.getMessage() + ")", null);
            return;
        }
        acceptedHandshaking--;
        if (handshake.role() == Roles.CLIENT) {
            acceptedClients++;
            c.counted = COUNTED_CLIENT;
        } else {
            c.counted = COUNTED_NOT; // a peer: members are few, and it must always get in
        }
        c.remoteRole = handshake.role();
        c.remoteNodeId = c.remoteRole == Roles.NODE ? handshake.nodeId() : 0;
        MutableDirectBuffer out = writeSpace(c, HandshakeFrame.LENGTH);
        c.writeEnd += handshake.encode(out, c.writeEnd, FrameType.HANDSHAKE_ACCEPT, config.clusterId, config.nodeId, Roles.NODE,
            config.membersDigest);
        activate(c);
    }

    private void onHandshakeAnswer(Connection c, int type, DirectBuffer buffer, int offset, int length) {
        if (type == FrameType.ERROR && errorFrame.wrap(buffer, offset, length) == null) {
            counters.increment(Counter.REFUSED_BY_REMOTE);
            warn("{}: refused by the remote: {}", c, errorFrame);
            closeNow(c, c.remoteAddress() + " refused the handshake: " + errorFrame);
            return;
        }
        String wrapError = type == FrameType.HANDSHAKE_ACCEPT ? handshake.wrap(buffer, offset, length) : null;
        Admission.Refusal refusal = Admission.checkAccept(type, handshake, wrapError, config, c);
        if (refusal != null) {
            refuse(c, refusal);
            return;
        }
        try {
            c.allocateRing(ringCapacityFor(Roles.NODE));
        } catch (OutOfMemoryError e) {
            warn("{}: no direct memory left for its ring: {}", c, e.getMessage());
            closeNow(c, "no direct memory left for the ring of the connection to " + c.remoteAddress() + " ("
                + e.getMessage() + "); connecting again later");
            return;
        }
        c.remoteRole = Roles.NODE;
        c.remoteNodeId = handshake.nodeId();
        activate(c);
    }

    /** The outbound ring a connection to a remote of {@code role} gets. */
    private int ringCapacityFor(int role) {
        return role == Roles.NODE ? config.outboundRingCapacity : config.clientRingCapacity;
    }

    /** Both handshakes allocated the ring before they got here, where a failure can still refuse the connection. */
    private void activate(Connection c) {
        c.writeProgressNs = nowNs;
        c.allowedTypes = FramePolicy.allowedTypes(config.role, c.remoteRole);
        c.state(Connection.ACTIVE);
        c.announced = true;
        c.reconnectDelayNs = config.reconnectMinNs;
        counters.increment(Counter.HANDSHAKES_COMPLETED);
        try {
            handler.onConnected(c);
        } catch (RuntimeException e) {
            counters.increment(Counter.HANDLER_ERRORS);
            LOG.error("{}: onConnected failed; closing only this connection", c, e);
            c.close("onConnected failed: " + e);
        }
    }

    /**
     * Closes {@code c} because of what the remote sent: an ERROR frame saying why goes out first if the
     * connection is still open. {@code counter} is the specific kind (null for none).
     */
    void protocolError(Connection c, int code, int failedType, String message, Counter counter) {
        if (counter != null) {
            counters.increment(counter);
            counters.increment(Counter.PROTOCOL_ERRORS);
        }
        warn("{}: {}", c, ErrorCode.name(code) + ": " + message);
        int state = c.state();
        if (state != Connection.HANDSHAKING && state != Connection.ACTIVE) {
            return;
        }
        MutableDirectBuffer out = writeSpace(c, ErrorFrame.maxLength(null));
        c.writeEnd += errorFrame.encode(out, c.writeEnd, code, failedType, 0, 0, 0, null, message);
        c.closeReason = ErrorCode.name(code) + ": " + message;
        c.deadlineNs = nowNs + config.closeLingerNs;
        c.state(Connection.CLOSING); // reads now discard input, so the close is a FIN, not a reset
    }

    /** The connection broke (remote closed, reset, write failed). */
    private void lost(Connection c, String reason) {
        closeNow(c, reason);
    }

    private void closeNow(Connection c, String reason) {
        c.awaitingLookup = false;
        if (c.key != null) {
            c.key.cancel();
            c.key = null;
        }
        CloseHelper.quietClose(c.channel);
        c.channel = null;
        discardRing(c);
        c.resetBuffers();
        counters.increment(Counter.CONNECTIONS_CLOSED);
        boolean announce = c.announced || !c.reconnects();
        c.announced = false;
        if (c.reconnects()) {
            c.state(Connection.WAITING_TO_RECONNECT);
            c.deadlineNs = nowNs + c.reconnectDelayNs;
            c.reconnectDelayNs = Math.min(c.reconnectDelayNs * 2, config.reconnectMaxNs);
            LOG.debug("{}: {}; reconnecting", c, reason);
        } else {
            c.state(Connection.CLOSED);
        }
        if (c.counted == COUNTED_HANDSHAKING) {
            acceptedHandshaking--;
        } else if (c.counted == COUNTED_CLIENT) {
            acceptedClients--;
        }
        c.counted = COUNTED_NOT;
        if (announce) {
            try {
                handler.onClosed(c, reason);
            } catch (RuntimeException e) {
                LOG.error("{}: onClosed failed", c, e);
            }
        }
    }

    /** Warns for the first protocol errors, then every thousandth, so a flood cannot flood the log. */
    private void warn(String format, Object a, Object b) {
        warnings.warn(format, a, b);
    }

    private void warn(String format, Object a, Object b, Object c) {
        warn(String.format(format.replace("{}", "%s"), a, b, c), null, null);
    }
}
