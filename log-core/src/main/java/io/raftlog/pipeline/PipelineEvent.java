package io.raftlog.pipeline;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * One preallocated slot of the ring. Network threads copy bytes into it (a peer frame, or a client's
 * payloads laid out as stored DATA entries) and the raft thread reads them in place: nothing is allocated
 * per event or per entry. A slot keeps a buffer of up to {@code retainBytes}; a larger event borrows one
 * from the node's {@link SlotBufferPool} and gives it back once consumed, so consumed slots never pin large
 * frames and a busy node does not allocate one per frame either (slots still waiting hold theirs: the
 * pipeline bounds client appends by the bytes lent out, RaftPipeline#hasRoomForClientAppend).
 *
 * <p>CLIENT_APPEND layout: {@code count} times {@code [int32 entryLength][clientId int64][sequence int64][payload]}.
 */
public final class PipelineEvent {
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final int retainBytes;
    private final SlotBufferPool pool;
    private final ExpandableArrayBuffer retained;
    private ExpandableArrayBuffer buffer;

    int kind;
    int length;
    // CLIENT_APPEND
    long connectionId;
    long clientId;
    long firstSequence;
    int count;
    /** The client sent these sequences before (the APPEND frame's RESEND flag): see ClientSessions.lookup. */
    boolean resend;
    // FLUSHED
    long index;
    long term;

    PipelineEvent(int retainBytes, SlotBufferPool pool) {
        this.retainBytes = retainBytes;
        this.pool = pool;
        // Full size at once: growing thousands of slots' buffers step by step under load was itself a stream
        // of garbage (a third of a W1 run's allocation).
        this.retained = new ExpandableArrayBuffer(retainBytes);
        this.buffer = retained;
    }

    public int kind() {
        return kind;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    public int length() {
        return length;
    }

    /** Starts a client append in this claimed slot; add the payloads, then publish. */
    public PipelineEvent clientAppend(long connection, long client, long sequence, boolean resent) {
        reset(EventKind.CLIENT_APPEND, 0);
        connectionId = connection;
        clientId = client;
        firstSequence = sequence;
        resend = resent;
        return this;
    }

    /**
     * Makes room for {@code count} payloads of {@code payloadBytes} in total before they are added, so a large
     * batch takes one buffer of the right size instead of growing payload by payload.
     */
    public PipelineEvent reservePayloads(int count, long payloadBytes) {
        long needed = length + (long) count * (4 + DataEntry.HEADER_LENGTH) + payloadBytes;
        if (needed > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(count + " payloads of " + payloadBytes + " bytes do not fit in a ring slot");
        }
        ensure((int) needed);
        return this;
    }

    /** Appends the next payload of a client append (its sequence is {@code firstSequence + count}). */
    public PipelineEvent addPayload(DirectBuffer src, int offset, int payloadLength) {
        int entryLength = DataEntry.HEADER_LENGTH + payloadLength;
        MutableDirectBuffer b = ensure(length + 4 + entryLength);
        b.putInt(length, entryLength, ORDER);
        int entry = length + 4;
        DataEntry.writeHeader(b, entry, clientId, firstSequence + count);
        b.putBytes(entry + DataEntry.HEADER_LENGTH, src, offset, payloadLength);
        length = entry + entryLength;
        count++;
        return this;
    }

    /** Empties this event (a staged append that will not be published, or a slot whose filling failed). */
    public void abandon() {
        reset(EventKind.NONE, 0);
    }

    void peerMessage(DirectBuffer src, int offset, int frameLength) {
        reset(EventKind.PEER_MESSAGE, 0);
        ensure(frameLength).putBytes(0, src, offset, frameLength);
        length = frameLength;
    }

    /** A peer frame already copied into a buffer borrowed from the pool: the slot takes the buffer over. */
    void peerMessage(ExpandableArrayBuffer borrowed, int frameLength) {
        reset(EventKind.PEER_MESSAGE, 0);
        buffer = borrowed;
        length = frameLength;
    }

    /**
     * Takes over what {@code staged} (an event filled outside the ring) holds: its fields, and its bytes
     * either by taking its borrowed buffer (no copy) or, when they fit the slot's own buffer, by copying
     * them. {@code staged} is left empty and ready for reuse.
     */
    void takeFrom(PipelineEvent staged) {
        reset(staged.kind, 0);
        connectionId = staged.connectionId;
        clientId = staged.clientId;
        firstSequence = staged.firstSequence;
        count = staged.count;
        resend = staged.resend;
        index = staged.index;
        term = staged.term;
        if (staged.buffer != staged.retained) {
            buffer = staged.buffer;
            staged.buffer = staged.retained;
        } else if (staged.length > 0) {
            ensure(staged.length).putBytes(0, staged.buffer, 0, staged.length);
        }
        length = staged.length;
        staged.reset(EventKind.NONE, 0);
    }

    void flushed(long flushedIndex, long flushedTerm) {
        reset(EventKind.FLUSHED, 0);
        index = flushedIndex;
        term = flushedTerm;
    }

    void control(int controlKind) {
        reset(controlKind, 0);
    }

    /** Called by the raft thread once it is done with the slot. */
    void release() {
        returnBorrowed();
    }

    private void reset(int newKind, int newLength) {
        kind = newKind;
        length = newLength;
        count = 0;
        returnBorrowed();
    }

    private void returnBorrowed() {
        if (buffer != retained) {
            ExpandableArrayBuffer borrowed = buffer;
            buffer = retained;
            pool.release(borrowed);
        }
    }

    /** Makes room for {@code capacity} bytes, keeping the {@code length} bytes already written. */
    private MutableDirectBuffer ensure(int capacity) {
        if (capacity > buffer.capacity()) {
            if (buffer == retained) {
                ExpandableArrayBuffer large = pool.acquire(capacity);
                large.putBytes(0, buffer, 0, length);
                buffer = large;
            } else {
                // Grows geometrically (ExpandableArrayBuffer), so adding payloads one at a time stays linear.
                int before = buffer.capacity();
                buffer.checkLimit(capacity);
                pool.grew(buffer.capacity() - before);
            }
        }
        return buffer;
    }
}
