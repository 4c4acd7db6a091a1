package io.raftlog.net.server;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.raftlog.journal.Journal;
import io.raftlog.net.codec.EntryReader;
import io.raftlog.net.codec.PeerMessageCodec;
import io.raftlog.net.transport.Connection;
import io.raftlog.pipeline.PeerSender;
import io.raftlog.raft.Message;

import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raft thread's way out to its peers: each message is encoded (AppendEntries straight from the
 * journal) into a scratch buffer and offered to the outbound ring of this node's connection to that peer.
 * A peer that is down, or whose ring is full because it reads slowly, simply misses the message: the raft
 * thread never waits for a socket, and Raft's heartbeats and probing recover what was dropped.
 */
final class PeerOutbox implements PeerSender {
    private static final Logger LOG = LoggerFactory.getLogger(PeerOutbox.class);
    private static final String NOT_CONNECTED = "not connected";
    private final AtomicReferenceArray<Connection> byPeer; // index: peer id
    private final PeerMessageCodec codec;
    private final UnsafeBuffer scratch;
    private final AtomicLong dropped = new AtomicLong();
    private Journal journal;
    private EntryReader reader;

    PeerOutbox(int maxPeerId, int maxFrameLength) {
        this.byPeer = new AtomicReferenceArray<>(maxPeerId + 1);
        this.codec = new PeerMessageCodec(maxFrameLength);
        this.scratch = new UnsafeBuffer(new byte[maxFrameLength]);
    }

    /** Transport thread: the outbound connection to {@code peerId} is (again) usable, or gone (null). */
    void connection(int peerId, Connection c) {
        byPeer.set(peerId, c);
    }

    long dropped() {
        return dropped.get();
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
        int capacity = Math.min(scratch.capacity(), c.maxSendLength());
        int length = codec.encode(m, scratch, 0, capacity, reader);
        if (length < 0 || !c.offer(scratch, 0, length)) {
            drop(m, "its outbound buffer is full");
            return false;
        }
        return true;
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
