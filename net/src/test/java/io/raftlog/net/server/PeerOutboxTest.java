package io.raftlog.net.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.raftlog.journal.EntryConsumer;
import io.raftlog.journal.ForwardingJournal;
import io.raftlog.journal.InMemoryJournal;
import io.raftlog.journal.Journal;
import io.raftlog.net.codec.AppendEntriesDecoder;
import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.Protocol;
import io.raftlog.net.transport.Connection;
import io.raftlog.net.transport.FrameHandler;
import io.raftlog.net.transport.Transport;
import io.raftlog.net.transport.TransportConfig;
import io.raftlog.pipeline.Await;
import io.raftlog.raft.EntryType;
import io.raftlog.raft.Message;
import io.raftlog.raft.MessageType;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** AppendEntries leave with exactly the entries the core asked for, or not at all. */
class PeerOutboxTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long CLUSTER = 5;
    private static final int ENTRY = 1000;

    private final ConcurrentLinkedQueue<byte[]> appends = new ConcurrentLinkedQueue<>();
    private Transport receiver;
    private Transport sender;

    @AfterEach
    void close() {
        if (sender != null) {
            sender.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void appendEntriesCarryExactlyTheCoreCountAndAnUnsendableOneIsRefusedWhole() {
        FrameHandler recording = recordingAppends();
        receiver = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(1), recording).start();
        InetSocketAddress address = receiver.bind(new InetSocketAddress("127.0.0.1", 0));
        // A 64 KiB ring sends frames of at most 8 KiB: 7 entries of 1000 bytes fit, 10 do not.
        sender = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(2).outboundRingCapacity(64 * 1024),
            (c, type, flags, buffer, offset, length) -> { }).start();
        Connection link = sender.connect(address, true);
        Await.until("peer link", WAIT, link::isActive);
        assertThat(link.maxSendLength()).isEqualTo(8 * 1024);

        InMemoryJournal journal = new InMemoryJournal();
        UnsafeBuffer payload = new UnsafeBuffer(new byte[ENTRY]);
        for (int i = 1; i <= 20; i++) {
            payload.putInt(16, i);
            journal.append(i, 1, EntryType.DATA, payload, 0, ENTRY);
        }
        PeerOutbox outbox = new PeerOutbox(2, Protocol.DEFAULT_MAX_FRAME_LENGTH);
        outbox.connection(1, link);

        assertThat(outbox.send(append(0, 7), journal)).isTrue();
        assertThat(outbox.send(append(7, 10), journal)).as("too large for one frame").isFalse();
        assertThat(outbox.oversized()).isEqualTo(1);
        assertThat(outbox.send(append(7, 0), journal)).as("a heartbeat still goes").isTrue();
        assertThat(outbox.send(append(7, 3), journal)).isTrue();

        Await.until("three AppendEntries", WAIT, () -> appends.size() >= 3);
        AppendEntriesDecoder decoder = AppendEntriesDecoder.forMaxFrameLength(1 << 16);
        long[][] expected = {{0, 7}, {7, 0}, {7, 3}};
        int i = 0;
        for (byte[] frame : appends) {
            assertThat(decoder.wrap(new UnsafeBuffer(frame), 0, frame.length)).isNull();
            assertThat(decoder.prevLogIndex()).isEqualTo(expected[i][0]);
            assertThat(decoder.count()).as("entries in frame " + i).isEqualTo((int) expected[i][1]);
            for (int e = 0; e < decoder.count(); e++) {
                assertThat(decoder.length(e)).isEqualTo(ENTRY);
                assertThat(decoder.buffer(e).getInt(decoder.offset(e) + 16)).isEqualTo((int) expected[i][0] + 1 + e);
            }
            i++;
        }
        assertThat(appends).hasSize(3);
    }

    @Test
    void anErrorWhileEncodingIntoAClaimGivesTheClaimBackSoLaterMessagesStillLeave() {
        // A fault reading the journal's map surfaces as an InternalError in the middle of encoding. Only
        // RuntimeExceptions aborted the claim: left open, it held back every later frame of that peer's ring.
        receiver = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(1), recordingAppends()).start();
        InetSocketAddress address = receiver.bind(new InetSocketAddress("127.0.0.1", 0));
        sender = new Transport(new TransportConfig().clusterId(CLUSTER).nodeId(2).outboundRingCapacity(64 * 1024),
            (c, type, flags, buffer, offset, length) -> { }).start();
        Connection link = sender.connect(address, true);
        Await.until("peer link", WAIT, link::isActive);

        InMemoryJournal entries = new InMemoryJournal();
        UnsafeBuffer payload = new UnsafeBuffer(new byte[ENTRY]);
        for (int i = 1; i <= 3; i++) {
            payload.putInt(16, i);
            entries.append(i, 1, EntryType.DATA, payload, 0, ENTRY);
        }
        FaultingReads journal = new FaultingReads(entries);
        PeerOutbox outbox = new PeerOutbox(2, Protocol.DEFAULT_MAX_FRAME_LENGTH);
        outbox.connection(1, link);

        // The send reads the entries twice: to size the claim, then to encode them into it. The second read
        // faults at its second entry, after the first was copied into the claim.
        journal.readsBeforeFault.set(1);
        assertThatThrownBy(() -> outbox.send(append(0, 3), journal)).isInstanceOf(InternalError.class);
        assertThat(journal.readsBeforeFault.get()).as("the encoding's read faulted").isNegative();

        assertThat(outbox.send(append(0, 3), journal)).isTrue();
        Await.until("the AppendEntries sent after the fault", WAIT, () -> !appends.isEmpty());
        AppendEntriesDecoder decoder = AppendEntriesDecoder.forMaxFrameLength(1 << 16);
        byte[] frame = appends.poll();
        assertThat(decoder.wrap(new UnsafeBuffer(frame), 0, frame.length)).isNull();
        assertThat(decoder.count()).isEqualTo(3);
        assertThat(appends).as("nothing of the faulted encoding was sent").isEmpty();
    }

    private FrameHandler recordingAppends() {
        return new FrameHandler() {
            @Override
            public void onFrame(Connection c, int type, int flags, DirectBuffer buffer, int offset, int length) {
                if (type == FrameType.APPEND_ENTRIES) {
                    byte[] copy = new byte[length];
                    buffer.getBytes(offset, copy);
                    appends.add(copy);
                }
            }
        };
    }

    /**
     * A journal whose reads fault, as a read through a memory map whose page the disk could not supply does
     * (an InternalError): the one read after {@link #readsBeforeFault} more reads. Delegates everything else.
     */
    private static final class FaultingReads extends ForwardingJournal {
        final AtomicInteger readsBeforeFault = new AtomicInteger(Integer.MAX_VALUE);

        FaultingReads(Journal delegate) {
            super(delegate);
        }

        @Override
        public int read(long fromIndex, int maxCount, long maxBytes, EntryConsumer consumer) {
            if (readsBeforeFault.getAndDecrement() != 0) {
                return delegate.read(fromIndex, maxCount, maxBytes, consumer);
            }
            return delegate.read(fromIndex, maxCount, maxBytes, (index, term, type, buffer, offset, length) -> {
                if (index > fromIndex) {
                    throw new InternalError("a fault occurred in a recent unsafe memory access operation");
                }
                return consumer.accept(index, term, type, buffer, offset, length);
            });
        }
    }

    @Test
    void replicationBoundsThatCannotFitAFrameAreRefusedAtStartUp() {
        PeerOutbox.checkBounds(4096, 128 * 1024, 256 * 1024, Protocol.DEFAULT_MAX_FRAME_LENGTH);
        assertThatThrownBy(() -> PeerOutbox.checkBounds(4096, 8L << 20, 256 * 1024, Protocol.DEFAULT_MAX_FRAME_LENGTH))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("4096 entries and 8388608 payload bytes")
            .hasMessageContaining("largest peer frame of " + Protocol.DEFAULT_MAX_FRAME_LENGTH);
    }

    private static Message append(long prev, int count) {
        Message m = new Message();
        m.type = MessageType.APPEND;
        m.from = 2;
        m.to = 1;
        m.term = 1;
        m.prevLogIndex = prev;
        m.prevLogTerm = prev == 0 ? 0 : 1;
        m.entryCount = count;
        return m;
    }
}
