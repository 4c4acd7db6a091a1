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

/**
 * The raft thread's way out to its peers: each message is encoded (AppendEntries straight from the
 * journal) into a scratch buffer and offered to the outbound ring of this node's connection to that peer.
 * A peer that is down, or whose ring is full because it reads slowly, simply misses the message: the raft
 * thread never waits for a socket, and Raft's heartbeats and probing recover what was dropped.
 */
final class PeerOutbox implements PeerSender {
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
            dropped.incrementAndGet();
            return false;
        }
        if (log != journal) {
            journal = log;
            reader = log::read; // kept: a method reference created per call may allocate
        }
        int capacity = Math.min(scratch.capacity(), c.maxSendLength());
        int length = codec.encode(m, scratch, 0, capacity, reader);
        if (length < 0 || !c.offer(scratch, 0, length)) {
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }
}
