package io.raftlog.net.server;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.raftlog.journal.EntryConsumer;
import io.raftlog.journal.Journal;
import io.raftlog.net.codec.AppendEntriesEncoder;
import io.raftlog.net.codec.AppendEntriesResponseFrame;
import io.raftlog.net.codec.EntryReader;
import io.raftlog.net.codec.PeerMessageCodec;
import io.raftlog.net.codec.SnapshotFrame;
import io.raftlog.net.codec.VoteRequestFrame;
import io.raftlog.net.codec.VoteResponseFrame;
import io.raftlog.net.transport.Connection;
import io.raftlog.pipeline.PeerSender;
import io.raftlog.raft.Message;
import io.raftlog.raft.MessageType;

import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raft thread's way out to its peers: each message is encoded in place in a claim on the outbound ring
 * of this node's connection to that peer (AppendEntries straight from the journal into the ring: one copy).
 * A peer that is down, or whose ring is full because it reads slowly, simply misses the message: the raft
 * thread never waits for a socket, and Raft's heartbeats and probing recover what was dropped.
 *
 * <p>An AppendEntries always carries exactly the {@code entryCount} entries the core asked for: the core
 * advances its nextIndex by that count as it sends, so a shorter frame would leave a hole it only finds by
 * timing out. The claim is sized exactly (the entries' lengths are summed first, without copying), and a
 * message that cannot fit the connection's largest frame is never sent in part: it is refused loudly
 * (logged, counted in {@link #oversized()}), which means the replication bounds are configured too large
 * for the transport (see {@link #checkBounds}).
 */
final class PeerOutbox implements PeerSender {
    private static final Logger LOG = LoggerFactory.getLogger(PeerOutbox.class);
    private static final String NOT_CONNECTED = "not connected";
    private final AtomicReferenceArray<Connection> byPeer; // index: peer id
    private final PeerMessageCodec codec;
    private final int maxFrameLength;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong oversized = new AtomicLong();
    private final PayloadSizer sizer = new PayloadSizer();
    private Journal journal;
    private EntryReader reader;

    /** Sums the payload lengths of the entries an AppendEntries will carry; copies nothing. */
    private static final class PayloadSizer implements EntryConsumer {
        long bytes;

        @Override
        public boolean accept(long index, long term, byte type, DirectBuffer payload, int offset, int length) {
            bytes += length;
            return true;
        }
    }

    PeerOutbox(int maxPeerId, int maxFrameLength) {
        this.byPeer = new AtomicReferenceArray<>(maxPeerId + 1);
        this.codec = new PeerMessageCodec(maxFrameLength);
        this.maxFrameLength = maxFrameLength;
    }

    /**
     * The largest AppendEntries the core can ask for with these bounds (up to {@code maxEntries} entries of at
     * most {@code maxBytes} payload in all, or one entry of up to {@code maxEntryBytes}) must fit a frame of
     * {@code maxFrameLength}; otherwise the node would refuse such messages forever. Checked at start-up.
     */
    static void checkBounds(int maxEntries, long maxBytes, int maxEntryBytes, int maxFrameLength) {
        int worst = AppendEntriesEncoder.frameLength(maxEntries, Math.max(maxBytes, maxEntryBytes));
        if (worst > maxFrameLength) {
            throw new IllegalArgumentException("an AppendEntries of up to " + maxEntries + " entries and "
                + maxBytes + " payload bytes (or one entry of " + maxEntryBytes + " bytes) needs a frame of "
                + worst + " bytes, more than the largest peer frame of " + maxFrameLength + " bytes");
        }
    }

    /** Transport thread: the outbound connection to {@code peerId} is (again) usable, or gone (null). */
    void connection(int peerId, Connection c) {
        byPeer.set(peerId, c);
    }

    long dropped() {
        return dropped.get();
    }

    /** Messages refused because they could not fit one frame (a configuration error; never sent in part). */
    long oversized() {
        return oversized.get();
    }

    @Override
    public boolean send(Message m, Journal log) {
        Connection c = m.to > 0 && m.to < byPeer.length() ? byPeer.get(m.to) : null;
        if (c == null || !c.isActive()) {
            drop(m, NOT_CONNECTED);
            return false;
        }
        if (log != journal) {
            journal = log;
            reader = log::read; // kept: a method reference created per call may allocate
        }
        long length = frameLength(m, log);
        int limit = Math.min(maxFrameLength, c.maxSendLength());
        if (length < 0 || length > limit) {
            refuse(m, length, limit);
            return false;
        }
        int index = c.tryClaim((int) length);
        if (index < 0) {
            drop(m, "its outbound buffer is full");
            return false;
        }
        int written;
        try {
            written = codec.encode(m, c.claimBuffer(), index, (int) length, reader);
        } catch (RuntimeException | Error e) {
            c.abort(index); // an Error too (a fault reading the journal's map): a claim left open wedges the ring
            throw e;
        }
        if (written != length || (m.type == MessageType.APPEND && codec.lastEntryCount() != m.entryCount)) {
            // Cannot happen with an exact claim unless the journal changed under us: never send a short frame.
            c.abort(index);
            throw new IllegalStateException(m + ": encoded " + written + " bytes and " + codec.lastEntryCount()
                + " entries into an exact claim of " + length + " bytes");
        }
        c.commit(index);
        return true;
    }

    /** The exact frame length of {@code m}, or -1 if the journal does not hold the entries it names. */
    private long frameLength(Message m, Journal log) {
        return switch (m.type) {
            case PRE_VOTE, VOTE -> VoteRequestFrame.LENGTH;
            case PRE_VOTE_RESPONSE, VOTE_RESPONSE -> VoteResponseFrame.LENGTH;
            case APPEND_RESPONSE -> AppendEntriesResponseFrame.LENGTH;
            case SNAPSHOT -> SnapshotFrame.LENGTH;
            case APPEND -> {
                if (m.entryCount == 0) {
                    yield AppendEntriesEncoder.FIXED_LENGTH;
                }
                sizer.bytes = 0;
                int n = log.read(m.prevLogIndex + 1, m.entryCount, Long.MAX_VALUE, sizer);
                yield n == m.entryCount ? (long) AppendEntriesEncoder.FIXED_LENGTH
                    + (long) n * AppendEntriesEncoder.ENTRY_HEADER_LENGTH + sizer.bytes : -1;
            }
        };
    }

    private void refuse(Message m, long length, int limit) {
        long n = oversized.incrementAndGet();
        if (n <= 10 || n % 1000 == 0) {
            LOG.error("refused {} to node {}: {} ({} refused so far)", m, m.to, length < 0
                ? "the journal does not hold its " + m.entryCount + " entries after " + m.prevLogIndex
                : "its " + m.entryCount + " entries need a frame of " + length + " bytes, over the limit of " + limit
                    + " (replication bounds too large for this transport)", n);
        }
    }

    /** Counts a dropped message; logs the first few and then every 1,000th, so a dead peer cannot flood the log. */
    private void drop(Message m, String why) {
        long n = dropped.incrementAndGet();
        if (why == NOT_CONNECTED) {
            LOG.debug("dropped {} to node {}: {}", m.type, m.to, why); // a peer that is down: expected
        } else if (n <= 10 || n % 1000 == 0) {
            LOG.warn("dropped {} to node {}: {} ({} dropped so far; Raft resends)", m.type, m.to, why, n);
        }
    }
}
