package io.raftlog.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy for one directed node pair: the dialing node connects to {@link #address()} and the proxy
 * connects on to the target. Each direction of the byte stream can be faulted independently at run time:
 * {@link Direction#FORWARD} carries what the dialer sends, {@link Direction#BACKWARD} the target's replies.
 *
 * <p>Faults: {@link #drop} discards new bytes (a blackhole: the connection stays up but loses data, as when
 * packets vanish and TCP has not given up yet); {@link #delay} holds every chunk for a time before
 * forwarding it, in order; {@link #stall} stops reading and forwarding altogether, in both directions,
 * and holds new connections, losing nothing: the proxy's socket buffers fill, then the sender's, so the
 * sender's writes block as towards a peer behind a real partition, and at {@link #resume} everything held
 * is forwarded late, in order and unchanged, on the same connections; {@link #cutAll} closes every open
 * connection. A connection that lost bytes can
 * never carry a valid frame again, so {@link #cutTainted} closes exactly those when a fault is healed,
 * which is what TCP eventually does to a connection whose segments were lost. Until then a direction that
 * lost bytes forwards nothing more, even once its drop is lifted: the bytes after the gap would reach the
 * node spliced onto those before it.
 *
 * <p>Plain blocking sockets, two threads per direction and connection: simple enough to trust, and the
 * suite has only a few dozen connections.
 */
final class FaultProxy implements AutoCloseable {

    enum Direction { FORWARD, BACKWARD }

    private static final int CHUNK = 64 * 1024;
    private static final int QUEUED_CHUNKS = 64;
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final String name;
    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final DirectionState[] states = {new DirectionState(), new DirectionState()};
    private final AtomicLong accepted = new AtomicLong();
    /** Accepted while stalled, not yet connected on to the target. */
    private final AtomicLong heldAccepts = new AtomicLong();
    private volatile boolean acceptStalled;
    private volatile boolean closed;

    FaultProxy(String name, InetSocketAddress target) throws IOException {
        this.name = name;
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "proxy-" + name + "-accept");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** Where the dialing node must connect. */
    InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    String name() {
        return name;
    }

    /** Discard (true) or pass (false) bytes arriving from now on in this direction. */
    void drop(Direction d, boolean drop) {
        states[d.ordinal()].drop = drop;
    }

    /** Forward each chunk in this direction no earlier than {@code millis} after it was read (0: at once). */
    void delay(Direction d, long millis) {
        states[d.ordinal()].delayNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis));
    }

    /**
     * Stalls the link: neither direction of any connection reads from its socket or forwards what it holds,
     * and a connection accepted from now on is neither connected on to the target nor read from. The
     * kernel still completes the dialer's TCP handshake (a listening socket cannot withhold that), so a
     * dialer's connect returns, but its handshake gets no answer until {@link #resume}. A chunk a reader
     * was already blocked on when the stall began is read, then held like the rest. Nothing is lost, so
     * nothing is tainted: the connections carry on after the stall with every byte in order.
     */
    void stall() {
        acceptStalled = true;
        for (DirectionState s : states) {
            s.stalled = true;
        }
    }

    /** Ends a {@link #stall}: held connections are connected on, held and unread bytes forwarded in order. */
    void resume() {
        for (DirectionState s : states) {
            s.stalled = false;
        }
        acceptStalled = false;
    }

    boolean stalled() {
        return acceptStalled;
    }

    /** Connections accepted during a stall and not yet connected on to the target. */
    long heldAccepts() {
        return heldAccepts.get();
    }

    boolean dropping(Direction d) {
        return states[d.ordinal()].drop;
    }

    long delayMillis(Direction d) {
        return TimeUnit.NANOSECONDS.toMillis(states[d.ordinal()].delayNanos);
    }

    /**
     * Pass everything again, without delay or stall (connections that lost data are left to
     * {@link #cutTainted}). The drop is lifted before the stall, so held bytes are never dropped here.
     */
    void pass() {
        for (DirectionState s : states) {
            s.drop = false;
            s.delayNanos = 0;
        }
        resume();
    }

    /** Closes every open connection; the nodes see a reset and reconnect through the proxy. */
    void cutAll() {
        for (Connection c : connections) {
            c.close();
        }
    }

    /** Closes the connections that dropped bytes; returns how many. */
    int cutTainted() {
        int n = 0;
        for (Connection c : connections) {
            if (c.tainted.get()) {
                c.close();
                n++;
            }
        }
        return n;
    }

    int openConnections() {
        return connections.size();
    }

    long acceptedConnections() {
        return accepted.get();
    }

    /** Bytes read from the source side in this direction (forwarded, queued or dropped). */
    long bytesRead(Direction d) {
        return states[d.ordinal()].read.get();
    }

    long bytesDropped(Direction d) {
        return states[d.ordinal()].dropped.get();
    }

    long bytesWritten(Direction d) {
        return states[d.ordinal()].written.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
        cutAll();
    }

    @Override
    public String toString() {
        return name + "@" + address().getPort() + "->" + target.getPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket in;
            try {
                in = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            if (acceptStalled) {
                // Hold it unread and unconnected; connections behind it wait in the listen backlog.
                heldAccepts.incrementAndGet();
                while (acceptStalled && !closed) {
                    LockSupport.parkNanos(RECHECK_NANOS);
                }
                heldAccepts.decrementAndGet();
                if (closed) {
                    closeQuietly(in);
                    return;
                }
            }
            Socket out = new Socket();
            try {
                in.setTcpNoDelay(true);
                out.setTcpNoDelay(true);
                out.connect(target, 1000);
            } catch (IOException e) {
                // Target down: the dialer sees its connection closed at once, like a refused connect.
                closeQuietly(in);
                closeQuietly(out);
                continue;
            }
            Connection c = new Connection(in, out);
            connections.add(c);
            if (closed) {
                c.close();
                return;
            }
            c.start();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
    }

    /** Live fault settings and counters of one direction, shared by all connections of this proxy. */
    private static final class DirectionState {
        volatile boolean drop;
        volatile boolean stalled;
        volatile long delayNanos;
        final AtomicLong read = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        final AtomicLong written = new AtomicLong();
    }

    private record Chunk(byte[] bytes, int length, long readAtNanos) {
    }

    private static final Chunk EOF = new Chunk(new byte[0], -1, 0);

    private final class Connection {
        final Socket in;
        final Socket out;
        /** Some direction dropped bytes: the connection is cut at the heal. */
        final AtomicBoolean tainted = new AtomicBoolean();
        /** Per direction, only its reader thread touches its slot: the other direction may still pass. */
        final boolean[] lostBytes = new boolean[2];
        final AtomicBoolean closedFlag = new AtomicBoolean();
        final int id = (int) accepted.get();

        Connection(Socket in, Socket out) {
            this.in = in;
            this.out = out;
        }

        void start() {
            pump(Direction.FORWARD, in, out);
            pump(Direction.BACKWARD, out, in);
        }

        private void pump(Direction d, Socket from, Socket to) {
            DirectionState state = states[d.ordinal()];
            BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
            String prefix = "proxy-" + name + "-" + id + "-" + d.name().toLowerCase();
            Thread reader = new Thread(() -> readLoop(d, state, from, queue), prefix + "-read");
            Thread writer = new Thread(() -> writeLoop(state, to, queue), prefix + "-write");
            reader.setDaemon(true);
            writer.setDaemon(true);
            reader.start();
            writer.start();
        }

        private void readLoop(Direction d, DirectionState state, Socket from, BlockingQueue<Chunk> queue) {
            byte[] buf = new byte[CHUNK];
            try {
                InputStream is = from.getInputStream();
                while (!closedFlag.get()) {
                    // Stalled: read nothing, so the socket buffers fill and the sender blocks (backpressure).
                    awaitNotStalled(state);
                    int n = is.read(buf);
                    // A read that was blocked when the stall began: hold what it got (or its EOF) as well.
                    awaitNotStalled(state);
                    if (closedFlag.get()) {
                        return;
                    }
                    if (n < 0) {
                        offer(queue, EOF);
                        return;
                    }
                    state.read.addAndGet(n);
                    if (state.drop) {
                        state.dropped.addAndGet(n);
                        lostBytes[d.ordinal()] = true;
                        tainted.set(true);
                        continue;
                    }
                    if (lostBytes[d.ordinal()]) {
                        // Passing again after a loss: never splice; close, as the heal's cutTainted would (it may
                        // have run before this reader marked the loss).
                        state.dropped.addAndGet(n);
                        close();
                        return;
                    }
                    offer(queue, new Chunk(Arrays.copyOf(buf, n), n, System.nanoTime()));
                }
            } catch (IOException e) {
                close();
            }
        }

        /** Parks while the direction is stalled; a stall is not a loss, so nothing is tainted or counted as dropped. */
        private void awaitNotStalled(DirectionState state) {
            while (state.stalled && !closedFlag.get()) {
                LockSupport.parkNanos(RECHECK_NANOS);
            }
        }

        private void offer(BlockingQueue<Chunk> queue, Chunk chunk) {
            try {
                while (!closedFlag.get() && !queue.offer(chunk, 10, TimeUnit.MILLISECONDS)) {
                    // full: the writer is delayed or the receiver is slow; keep backpressure on the sender
                }
            } catch (InterruptedException e) {
                close();
            }
        }

        private void writeLoop(DirectionState state, Socket to, BlockingQueue<Chunk> queue) {
            try {
                OutputStream os = to.getOutputStream();
                while (!closedFlag.get()) {
                    Chunk c = queue.poll(10, TimeUnit.MILLISECONDS);
                    if (c == null) {
                        continue;
                    }
                    // Chunks read before the stall began are held too: nothing reaches the target while stalled.
                    awaitNotStalled(state);
                    if (c == EOF) {
                        close();
                        return;
                    }
                    // The delay is re-read while waiting, so lowering it releases held chunks at once.
                    long wait;
                    while (!closedFlag.get() && (wait = c.readAtNanos + state.delayNanos - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(Math.min(wait, RECHECK_NANOS));
                    }
                    if (closedFlag.get()) {
                        return;
                    }
                    os.write(c.bytes, 0, c.length);
                    os.flush();
                    state.written.addAndGet(c.length);
                }
            } catch (SocketException e) {
                close();
            } catch (IOException | InterruptedException e) {
                close();
            }
        }

        void close() {
            if (closedFlag.compareAndSet(false, true)) {
                // Off the list first: once either node sees the connection end, it is no longer counted as open.
                connections.remove(this);
                closeQuietly(in);
                closeQuietly(out);
            }
        }
    }
}
