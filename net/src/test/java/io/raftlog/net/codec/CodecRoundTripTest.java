package io.raftlog.net.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.raftlog.journal.EntryConsumer;
import io.raftlog.pipeline.DataEntry;
import io.raftlog.raft.EntryType;
import io.raftlog.raft.Message;
import io.raftlog.raft.MessageType;
import io.raftlog.raft.Role;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Every frame type encodes and decodes back to the same fields, at a non-zero offset in a direct buffer. */
class CodecRoundTripTest {
    private static final int AT = 13; // an odd offset: nothing may assume alignment
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1 << 16));

    @Test
    void handshakeAndAcceptRoundTrip() {
        HandshakeFrame frame = new HandshakeFrame();
        for (int type : new int[] {FrameType.HANDSHAKE, FrameType.HANDSHAKE_ACCEPT}) {
            long members = HandshakeFrame.membersDigest(new int[] {3, 1, 2});
            int length = frame.encode(buffer, AT, type, 0xC0FFEEL, 3, Roles.NODE, members);
            HandshakeFrame read = new HandshakeFrame();
            assertThat(read.wrap(buffer, AT, length)).isNull();
            assertThat(read.type()).isEqualTo(type);
            assertThat(read.clusterId()).isEqualTo(0xC0FFEEL);
            assertThat(read.nodeId()).isEqualTo(3);
            assertThat(read.role()).isEqualTo(Roles.NODE);
            assertThat(read.members()).isEqualTo(members);
            assertThat(Protocol.checkHeader(buffer, AT, Protocol.DEFAULT_MAX_FRAME_LENGTH)).isNull();
        }
    }

    @Test
    void theMembersDigestDependsOnTheSetOfIdsOnly() {
        long digest = HandshakeFrame.membersDigest(new int[] {1, 2, 3});
        assertThat(HandshakeFrame.membersDigest(new int[] {3, 2, 1})).isEqualTo(digest);
        assertThat(HandshakeFrame.membersDigest(new int[] {1, 2, 3, 4})).isNotEqualTo(digest);
        assertThat(HandshakeFrame.membersDigest(new int[] {1, 2})).isNotEqualTo(digest);
        assertThat(HandshakeFrame.membersDigest(new int[] {1, 2, 4})).isNotEqualTo(digest);
        assertThat(digest).as("0 is what a client sends").isNotZero();
    }

    @Test
    void errorRoundTripCarriesLeaderAddressAndMessage() {
        ErrorFrame frame = new ErrorFrame();
        int length = frame.encode(buffer, AT, ErrorCode.NOT_LEADER, FrameType.APPEND, 2, 77L, 1000L,
            "10.0.0.2:7001", "node 1 is not the leader; try node 2 (übung)");
        ErrorFrame read = new ErrorFrame();
        assertThat(read.wrap(buffer, AT, length)).isNull();
        assertThat(read.code()).isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(read.failedType()).isEqualTo(FrameType.APPEND);
        assertThat(read.leaderId()).isEqualTo(2);
        assertThat(read.correlationId()).isEqualTo(77L);
        assertThat(read.sequence()).isEqualTo(1000L);
        assertThat(read.address()).isEqualTo("10.0.0.2:7001");
        assertThat(read.message()).isEqualTo("node 1 is not the leader; try node 2 (übung)");
    }

    /** The encoder keeps the last message's bytes: a new text (even an equal one) or none must never get old bytes. */
    @Test
    void anEncoderUsedForManyErrorsWritesEachOnesOwnMessage() {
        ErrorFrame frame = new ErrorFrame();
        ErrorFrame read = new ErrorFrame();
        String shared = "not the leader; node 2 at b:1 leads";
        for (String message : new String[] {shared, shared, "busy", null, shared, new String("busy")}) {
            int length = frame.encode(buffer, AT, ErrorCode.NOT_LEADER, FrameType.APPEND, 2, 1L, 1L, null, message);
            assertThat(read.wrap(buffer, AT, length)).isNull();
            assertThat(read.message()).isEqualTo(message == null ? "" : message);
        }
    }

    @Test
    void errorMessageIsCutAtACharacterBoundary() {
        ErrorFrame frame = new ErrorFrame();
        String longText = "é".repeat(ErrorFrame.MAX_MESSAGE_BYTES);
        int length = frame.encode(buffer, AT, ErrorCode.INVALID, 0, 0, 0, 0, null, longText);
        ErrorFrame read = new ErrorFrame();
        assertThat(read.wrap(buffer, AT, length)).isNull();
        assertThat(read.address()).isEmpty();
        assertThat(read.message().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(ErrorFrame.MAX_MESSAGE_BYTES);
        assertThat(read.message()).matches("é+");
    }

    @Test
    void voteRequestsAndResponsesRoundTripThroughMessage() {
        PeerMessageCodec codec = new PeerMessageCodec(1 << 16);
        for (MessageType type : new MessageType[] {MessageType.PRE_VOTE, MessageType.VOTE}) {
            Message m = new Message();
            m.type = type;
            m.from = 1;
            m.to = 2;
            m.term = 9;
            m.lastLogIndex = 1234567890123L;
            m.lastLogTerm = 8;
            assertRoundTrip(codec, m);
        }
        for (MessageType type : new MessageType[] {MessageType.PRE_VOTE_RESPONSE, MessageType.VOTE_RESPONSE}) {
            for (boolean granted : new boolean[] {true, false}) {
                Message m = new Message();
                m.type = type;
                m.from = 3;
                m.to = 1;
                m.term = 10;
                m.granted = granted;
                assertRoundTrip(codec, m);
            }
        }
    }

    @Test
    void appendEntriesResponseRoundTrips() {
        PeerMessageCodec codec = new PeerMessageCodec(1 << 16);
        Message ok = new Message();
        ok.type = MessageType.APPEND_RESPONSE;
        ok.from = 2;
        ok.to = 1;
        ok.term = 4;
        ok.success = true;
        ok.matchIndex = 99;
        assertRoundTrip(codec, ok);
        Message reject = new Message();
        reject.type = MessageType.APPEND_RESPONSE;
        reject.from = 2;
        reject.to = 1;
        reject.term = 4;
        reject.conflictTerm = 3;
        reject.conflictIndex = 50;
        assertRoundTrip(codec, reject);
    }

    @Test
    void snapshotRoundTrips() {
        PeerMessageCodec codec = new PeerMessageCodec(1 << 16);
        Message m = new Message();
        m.type = MessageType.SNAPSHOT;
        m.from = 1;
        m.to = 3;
        m.term = 7;
        m.prevLogIndex = 1L << 33;
        m.prevLogTerm = 6;
        m.leaderCommit = (1L << 33) + 5;
        assertRoundTrip(codec, m);
    }

    private void assertRoundTrip(PeerMessageCodec codec, Message m) {
        int length = codec.encode(m, buffer, AT, 4096, null);
        assertThat(length).isEqualTo(FrameType.fixedLength(PeerMessageCodec.frameType(m.type)));
        Message back = new Message();
        assertThat(codec.decode(buffer, AT, length, back)).isNull();
        assertThat(back.toString()).isEqualTo(m.toString());
        assertThat(back).usingRecursiveComparison().ignoringFields("entries").isEqualTo(m);
    }

    @Test
    void appendEntriesCarriesEntriesFromAReaderAndServesThemAsAnEntrySource() {
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] p = new byte[DataEntry.HEADER_LENGTH + i * 7];
            for (int j = 0; j < p.length; j++) {
                p[j] = (byte) (i * 31 + j);
            }
            payloads.add(p);
        }
        long prevLogIndex = 41;
        EntryReader reader = (from, maxCount, maxBytes, consumer) -> deliver(payloads, prevLogIndex, from, maxCount, consumer);
        Message m = new Message();
        m.type = MessageType.APPEND;
        m.from = 1;
        m.to = 3;
        m.term = 7;
        m.prevLogIndex = prevLogIndex;
        m.prevLogTerm = 6;
        m.leaderCommit = 40;
        m.entryCount = payloads.size();
        PeerMessageCodec codec = new PeerMessageCodec(1 << 16);
        int length = codec.encode(m, buffer, AT, 4096, reader);
        assertThat(codec.lastEntryCount()).isEqualTo(5);

        Message back = new Message();
        assertThat(codec.decode(buffer, AT, length, back)).isNull();
        assertThat(back.toString()).isEqualTo(m.toString());
        assertThat(back.entries.count()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            assertThat(back.entries.term(i)).isEqualTo(7);
            assertThat(back.entries.type(i)).isEqualTo(i == 0 ? EntryType.NOOP : EntryType.DATA);
            byte[] got = new byte[back.entries.length(i)];
            back.entries.buffer(i).getBytes(back.entries.offset(i), got);
            assertThat(got).isEqualTo(payloads.get(i));
        }
    }

    @Test
    void appendEntriesThatDoNotFitStopTheReadAndTheFrameSaysHowMany() {
        List<byte[]> payloads = List.of(new byte[100], new byte[100], new byte[100]);
        Message m = new Message();
        m.type = MessageType.APPEND;
        m.term = 1;
        m.prevLogIndex = 0;
        m.entryCount = 3;
        PeerMessageCodec codec = new PeerMessageCodec(1 << 16);
        int capacity = AppendEntriesEncoder.frameLength(2, 200);
        int length = codec.encode(m, buffer, AT, capacity, (from, max, bytes, c) -> deliver(payloads, 0, from, max, c));
        assertThat(codec.lastEntryCount()).isEqualTo(2);
        assertThat(length).isEqualTo(capacity);
        Message back = new Message();
        assertThat(codec.decode(buffer, AT, length, back)).isNull();
        assertThat(back.entryCount).isEqualTo(2);
    }

    @Test
    void heartbeatIsAnAppendWithoutEntries() {
        Message m = new Message();
        m.type = MessageType.APPEND;
        m.from = 1;
        m.to = 2;
        m.term = 3;
        m.prevLogIndex = 10;
        m.prevLogTerm = 3;
        m.leaderCommit = 10;
        PeerMessageCodec codec = new PeerMessageCodec(1 << 16);
        int length = codec.encode(m, buffer, AT, 4096, null);
        assertThat(length).isEqualTo(AppendEntriesEncoder.FIXED_LENGTH);
        Message back = new Message();
        assertThat(codec.decode(buffer, AT, length, back)).isNull();
        assertThat(back.entries.count()).isZero();
        assertThat(back.toString()).isEqualTo(m.toString());
    }

    private static int deliver(List<byte[]> payloads, long prevLogIndex, long from, int maxCount, EntryConsumer consumer) {
        int delivered = 0;
        for (long index = from; index <= prevLogIndex + payloads.size() && delivered < maxCount; index++) {
            byte[] p = payloads.get((int) (index - prevLogIndex - 1));
            byte type = index == prevLogIndex + 1 && p.length >= DataEntry.HEADER_LENGTH && payloads.size() == 5 ? EntryType.NOOP : EntryType.DATA;
            delivered++;
            if (!consumer.accept(index, 7, type, new UnsafeBuffer(p), 0, p.length)) {
                break;
            }
        }
        return delivered;
    }

    @Test
    void leaderHintRoundTrips() {
        LeaderHintFrame frame = new LeaderHintFrame();
        int length = frame.encode(buffer, AT, 1, 2, 5, 1, "localhost:9001");
        LeaderHintFrame read = new LeaderHintFrame();
        assertThat(read.wrap(buffer, AT, length)).isNull();
        assertThat(read.from()).isEqualTo(1);
        assertThat(read.to()).isEqualTo(2);
        assertThat(read.term()).isEqualTo(5);
        assertThat(read.leaderId()).isEqualTo(1);
        assertThat(read.address()).isEqualTo("localhost:9001");
    }

    @Test
    void clientAppendRoundTripsABatch() {
        ClientAppendEncoder enc = new ClientAppendEncoder().wrap(buffer, AT, 4096, 42L, 1000L);
        UnsafeBuffer src = new UnsafeBuffer(new byte[] {1, 2, 3, 4, 5, 6});
        assertThat(enc.add(src, 0, 3)).isTrue();
        assertThat(enc.add(src, 3, 0)).isTrue();
        assertThat(enc.add(src, 1, 5)).isTrue();
        ClientAppendDecoder dec = ClientAppendDecoder.forMaxFrameLength(4096);
        assertThat(dec.wrap(buffer, AT, enc.frameLength())).isNull();
        assertThat(dec.clientId()).isEqualTo(42L);
        assertThat(dec.firstSequence()).isEqualTo(1000L);
        assertThat(dec.count()).isEqualTo(3);
        assertThat(bytes(dec.buffer(), dec.payloadOffset(0), dec.payloadLength(0))).containsExactly(1, 2, 3);
        assertThat(dec.payloadLength(1)).isZero();
        assertThat(bytes(dec.buffer(), dec.payloadOffset(2), dec.payloadLength(2))).containsExactly(2, 3, 4, 5, 6);
    }

    @Test
    void clientAppendRefusesAPayloadBeyondItsCapacity() {
        ClientAppendEncoder enc = new ClientAppendEncoder().wrap(buffer, AT, ClientAppendEncoder.frameLength(1, 10), 1, 1);
        UnsafeBuffer src = new UnsafeBuffer(new byte[16]);
        assertThat(enc.add(src, 0, 10)).isTrue();
        assertThat(enc.add(src, 0, 1)).isFalse();
        assertThat(enc.count()).isEqualTo(1);
    }

    @Test
    void appendAckRoundTrips() {
        int length = new AppendAckFrame().encode(buffer, AT, 42L, 1000L, 5000L, 64);
        AppendAckFrame read = new AppendAckFrame();
        assertThat(read.wrap(buffer, AT, length)).isNull();
        assertThat(read.clientId()).isEqualTo(42L);
        assertThat(read.firstSequence()).isEqualTo(1000L);
        assertThat(read.firstIndex()).isEqualTo(5000L);
        assertThat(read.count()).isEqualTo(64);
    }

    @Test
    void fetchCancelAndStatusRequestRoundTrip() {
        FetchFrame fetch = new FetchFrame();
        int length = fetch.encode(buffer, AT, 5L, 100L, 65536, true);
        FetchFrame read = new FetchFrame();
        assertThat(read.wrap(buffer, AT, length)).isNull();
        assertThat(read.requestId()).isEqualTo(5L);
        assertThat(read.fromIndex()).isEqualTo(100L);
        assertThat(read.maxBytes()).isEqualTo(65536);
        assertThat(read.follow()).isTrue();

        for (int type : new int[] {FrameType.CANCEL, FrameType.STATUS_REQUEST}) {
            int n = new RequestIdFrame().encode(buffer, AT, type, 77L);
            RequestIdFrame r = new RequestIdFrame();
            assertThat(r.wrap(buffer, AT, n)).isNull();
            assertThat(r.type()).isEqualTo(type);
            assertThat(r.requestId()).isEqualTo(77L);
        }
    }

    @Test
    void entriesSkipNoOpsAndStripTheStoredClientHeader() {
        EntriesEncoder enc = new EntriesEncoder().wrap(buffer, AT, 4096, 9L, 10L);
        UnsafeBuffer stored = new UnsafeBuffer(new byte[DataEntry.HEADER_LENGTH + 3]);
        DataEntry.writeHeader(stored, 0, 42L, 7L);
        stored.putBytes(DataEntry.HEADER_LENGTH, new byte[] {7, 8, 9});
        assertThat(enc.accept(10, 1, EntryType.DATA, stored, 0, stored.capacity())).isTrue();
        assertThat(enc.accept(11, 2, EntryType.NOOP, stored, 0, 0)).isTrue();
        assertThat(enc.accept(12, 2, EntryType.DATA, stored, 0, stored.capacity())).isTrue();
        assertThat(enc.nextIndex()).isEqualTo(13);
        assertThat(DataEntry.clientId(stored, 0)).isEqualTo(42L);
        assertThat(DataEntry.sequence(stored, 0)).isEqualTo(7L);

        EntriesDecoder dec = EntriesDecoder.forMaxFrameLength(4096);
        assertThat(dec.wrap(buffer, AT, enc.frameLength())).isNull();
        assertThat(dec.requestId()).isEqualTo(9L);
        assertThat(dec.count()).isEqualTo(2);
        assertThat(dec.index(0)).isEqualTo(10);
        assertThat(dec.index(1)).isEqualTo(12);
        assertThat(bytes(dec.buffer(), dec.payloadOffset(1), dec.payloadLength(1))).containsExactly(7, 8, 9);
    }

    @Test
    void entriesStopWhenTheNextEntryDoesNotFit() {
        EntriesEncoder enc = new EntriesEncoder().wrap(buffer, AT, EntriesEncoder.FIXED_LENGTH + 12 + 3, 1L, 5L);
        UnsafeBuffer stored = new UnsafeBuffer(new byte[DataEntry.HEADER_LENGTH + 3]);
        assertThat(enc.accept(5, 1, EntryType.DATA, stored, 0, stored.capacity())).isTrue();
        assertThat(enc.accept(6, 1, EntryType.DATA, stored, 0, stored.capacity())).isFalse();
        assertThat(enc.nextIndex()).isEqualTo(6);
        assertThat(enc.count()).isEqualTo(1);
    }

    @Test
    void endOfLogAndCompactedRoundTrip() {
        int n = new EndOfLogFrame().encode(buffer, AT, 3L, 101L, 100L);
        EndOfLogFrame end = new EndOfLogFrame();
        assertThat(end.wrap(buffer, AT, n)).isNull();
        assertThat(end.requestId()).isEqualTo(3L);
        assertThat(end.nextIndex()).isEqualTo(101L);
        assertThat(end.commitIndex()).isEqualTo(100L);

        n = new CompactedFrame().encode(buffer, AT, 4L, 500L);
        CompactedFrame compacted = new CompactedFrame();
        assertThat(compacted.wrap(buffer, AT, n)).isNull();
        assertThat(compacted.requestId()).isEqualTo(4L);
        assertThat(compacted.firstIndex()).isEqualTo(500L);
    }

    @Test
    void statusRoundTripsWithPeers() {
        StatusFrame frame = new StatusFrame().wrap(buffer, AT, 8L, 1, Role.LEADER, 5, 1, 100, 1, 120, 110)
            .addPeer(2, 99, 15).addPeer(3, 120, 1L << 40);
        StatusFrame read = new StatusFrame();
        assertThat(read.wrap(buffer, AT, frame.frameLength())).isNull();
        assertThat(read.frameLength()).isEqualTo(StatusFrame.frameLength(2));
        assertThat(read.requestId()).isEqualTo(8L);
        assertThat(read.nodeId()).isEqualTo(1);
        assertThat(read.role()).isEqualTo(Role.LEADER);
        assertThat(read.term()).isEqualTo(5);
        assertThat(read.leaderId()).isEqualTo(1);
        assertThat(read.commitIndex()).isEqualTo(100);
        assertThat(read.firstIndex()).isEqualTo(1);
        assertThat(read.lastIndex()).isEqualTo(120);
        assertThat(read.durableIndex()).isEqualTo(110);
        assertThat(read.peerCount()).isEqualTo(2);
        assertThat(read.peerId(1)).isEqualTo(3);
        assertThat(read.peerMatchIndex(0)).isEqualTo(99);
        assertThat(read.peerMillisSinceHeard(0)).isEqualTo(15);
        assertThat(read.peerMillisSinceHeard(1)).as("capped").isEqualTo(Integer.MAX_VALUE);
        assertThat(read.peerMatchIndex(1)).isEqualTo(120);
        for (Role role : Role.values()) {
            assertThat(StatusFrame.role(StatusFrame.roleCode(role))).isEqualTo(role);
        }
    }

    private static byte[] bytes(org.agrona.DirectBuffer b, int offset, int length) {
        byte[] out = new byte[length];
        b.getBytes(offset, out);
        return out;
    }
}
