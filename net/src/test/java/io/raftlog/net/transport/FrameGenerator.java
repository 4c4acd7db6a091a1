package io.raftlog.net.transport;

import java.util.SplittableRandom;

import io.raftlog.net.codec.AppendAckFrame;
import io.raftlog.net.codec.AppendEntriesEncoder;
import io.raftlog.net.codec.AppendEntriesResponseFrame;
import io.raftlog.net.codec.ClientAppendEncoder;
import io.raftlog.net.codec.CompactedFrame;
import io.raftlog.net.codec.EndOfLogFrame;
import io.raftlog.net.codec.EntriesEncoder;
import io.raftlog.net.codec.ErrorFrame;
import io.raftlog.net.codec.FetchFrame;
import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.HandshakeFrame;
import io.raftlog.net.codec.LeaderHintFrame;
import io.raftlog.net.codec.SnapshotFrame;
import io.raftlog.net.codec.Protocol;
import io.raftlog.net.codec.RequestIdFrame;
import io.raftlog.net.codec.Roles;
import io.raftlog.net.codec.StatusFrame;
import io.raftlog.net.codec.VoteRequestFrame;
import io.raftlog.net.codec.VoteResponseFrame;
import io.raftlog.pipeline.DataEntry;
import io.raftlog.raft.EntryType;
import io.raftlog.raft.Role;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** Seeded random frames for fuzzing: valid ones of every type, mutations of them, and plain noise. */
final class FrameGenerator {
    static final int[] PEER_TYPES = {FrameType.PRE_VOTE, FrameType.PRE_VOTE_RESPONSE, FrameType.VOTE, FrameType.VOTE_RESPONSE,
        FrameType.APPEND_ENTRIES, FrameType.APPEND_ENTRIES_RESPONSE, FrameType.LEADER_HINT, FrameType.SNAPSHOT, FrameType.ERROR};
    static final int[] CLIENT_REQUEST_TYPES = {FrameType.APPEND, FrameType.FETCH, FrameType.CANCEL, FrameType.STATUS_REQUEST};
    static final int[] ALL_TYPES = {FrameType.HANDSHAKE, FrameType.HANDSHAKE_ACCEPT, FrameType.ERROR, FrameType.PRE_VOTE,
        FrameType.PRE_VOTE_RESPONSE, FrameType.VOTE, FrameType.VOTE_RESPONSE, FrameType.APPEND_ENTRIES,
        FrameType.APPEND_ENTRIES_RESPONSE, FrameType.LEADER_HINT, FrameType.SNAPSHOT, FrameType.APPEND, FrameType.APPEND_ACK, FrameType.FETCH,
        FrameType.CANCEL, FrameType.ENTRIES, FrameType.END_OF_LOG, FrameType.COMPACTED, FrameType.STATUS_REQUEST, FrameType.STATUS};
    /** Largest frame {@link #valid} writes. */
    static final int MAX_VALID_LENGTH = 2048;

    private final SplittableRandom random;
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[256]);
    private final HandshakeFrame handshake = new HandshakeFrame();
    private final ErrorFrame error = new ErrorFrame();
    private final VoteRequestFrame voteRequest = new VoteRequestFrame();
    private final VoteResponseFrame voteResponse = new VoteResponseFrame();
    private final AppendEntriesEncoder appendEntries = new AppendEntriesEncoder();
    private final AppendEntriesResponseFrame appendResponse = new AppendEntriesResponseFrame();
    private final LeaderHintFrame hint = new LeaderHintFrame();
    private final SnapshotFrame snapshot = new SnapshotFrame();
    private final ClientAppendEncoder append = new ClientAppendEncoder();
    private final AppendAckFrame ack = new AppendAckFrame();
    private final FetchFrame fetch = new FetchFrame();
    private final RequestIdFrame requestId = new RequestIdFrame();
    private final EntriesEncoder entries = new EntriesEncoder();
    private final EndOfLogFrame endOfLog = new EndOfLogFrame();
    private final CompactedFrame compacted = new CompactedFrame();
    private final StatusFrame status = new StatusFrame();

    FrameGenerator(SplittableRandom random) {
        this.random = random;
        for (int i = 0; i < payload.capacity(); i++) {
            payload.putByte(i, (byte) random.nextInt());
        }
    }

    SplittableRandom random() {
        return random;
    }

    /** A valid frame a remote of {@code role} may send a node (after its handshake). */
    int validFor(int role, MutableDirectBuffer buffer, int offset) {
        int[] types = role == Roles.NODE ? PEER_TYPES : CLIENT_REQUEST_TYPES;
        return valid(types[random.nextInt(types.length)], buffer, offset);
    }

    int validAnyType(MutableDirectBuffer buffer, int offset) {
        return valid(ALL_TYPES[random.nextInt(ALL_TYPES.length)], buffer, offset);
    }

    /** A valid frame of {@code type}, at most {@link #MAX_VALID_LENGTH} bytes. */
    int valid(int type, MutableDirectBuffer buffer, int offset) {
        SplittableRandom r = random;
        return switch (type) {
            case FrameType.HANDSHAKE, FrameType.HANDSHAKE_ACCEPT ->
                handshake.encode(buffer, offset, type, r.nextLong(), r.nextInt(), 1 + r.nextInt(2), r.nextLong());
            case FrameType.ERROR -> error.encode(buffer, offset, 1 + r.nextInt(10), r.nextInt(256), r.nextInt(), r.nextLong(),
                r.nextLong(), r.nextBoolean() ? "" : "host:" + r.nextInt(65536), "m" + r.nextLong());
            case FrameType.PRE_VOTE, FrameType.VOTE -> voteRequest.encode(buffer, offset, type, r.nextInt(), r.nextInt(),
                r.nextLong(), r.nextLong(), r.nextLong());
            case FrameType.PRE_VOTE_RESPONSE, FrameType.VOTE_RESPONSE -> voteResponse.encode(buffer, offset, type, r.nextInt(),
                r.nextInt(), r.nextLong(), r.nextBoolean());
            case FrameType.APPEND_ENTRIES -> {
                long prev = r.nextLong(1L << 40);
                appendEntries.wrap(buffer, offset, MAX_VALID_LENGTH, r.nextInt(), r.nextInt(), r.nextLong(), prev, r.nextLong(), r.nextLong());
                int n = r.nextInt(12);
                for (int i = 0; i < n; i++) {
                    boolean data = r.nextInt(4) != 0;
                    int length = data ? DataEntry.HEADER_LENGTH + r.nextInt(100) : r.nextInt(4);
                    appendEntries.accept(prev + 1 + i, r.nextLong(), data ? EntryType.DATA : EntryType.NOOP, payload, 0, length);
                }
                yield appendEntries.frameLength();
            }
            case FrameType.APPEND_ENTRIES_RESPONSE -> appendResponse.encode(buffer, offset, r.nextInt(), r.nextInt(), r.nextLong(),
                r.nextBoolean(), r.nextLong(), r.nextLong(), r.nextLong());
            case FrameType.SNAPSHOT -> snapshot.encode(buffer, offset, r.nextInt(), r.nextInt(), r.nextLong(), r.nextLong(),
                r.nextLong(), r.nextLong());
            case FrameType.LEADER_HINT -> hint.encode(buffer, offset, r.nextInt(), r.nextInt(), r.nextLong(), r.nextInt(),
                "10.0.0." + r.nextInt(256) + ":" + r.nextInt(65536));
            case FrameType.APPEND -> {
                append.wrap(buffer, offset, MAX_VALID_LENGTH, r.nextLong(), r.nextLong());
                int n = r.nextInt(10);
                for (int i = 0; i < n; i++) {
                    append.add(payload, r.nextInt(64), r.nextInt(128));
                }
                yield append.frameLength();
            }
            case FrameType.APPEND_ACK -> ack.encode(buffer, offset, r.nextLong(), r.nextLong(), r.nextLong(), r.nextInt(1 << 20));
            case FrameType.FETCH -> fetch.encode(buffer, offset, r.nextLong(), r.nextLong(), r.nextInt(), r.nextBoolean());
            case FrameType.CANCEL, FrameType.STATUS_REQUEST -> requestId.encode(buffer, offset, type, r.nextLong());
            case FrameType.ENTRIES -> {
                long index = 1 + r.nextLong(1L << 40);
                entries.wrap(buffer, offset, MAX_VALID_LENGTH, r.nextLong(), index);
                int n = r.nextInt(10);
                for (int i = 0; i < n; i++) {
                    index += 1 + r.nextInt(3);
                    entries.add(index, payload, 0, r.nextInt(128));
                }
                yield entries.frameLength();
            }
            case FrameType.END_OF_LOG -> endOfLog.encode(buffer, offset, r.nextLong(), r.nextLong(), r.nextLong());
            case FrameType.COMPACTED -> compacted.encode(buffer, offset, r.nextLong(), r.nextLong());
            case FrameType.STATUS -> {
                status.wrap(buffer, offset, r.nextLong(), r.nextInt(), Role.values()[r.nextInt(4)], r.nextLong(), r.nextInt(),
                    r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong());
                int n = r.nextInt(6);
                for (int i = 0; i < n; i++) {
                    status.addPeer(r.nextInt(), r.nextLong(), r.nextLong());
                }
                yield status.frameLength();
            }
            default -> throw new IllegalArgumentException("no generator for type " + type);
        };
    }

    /**
     * Mutates the frame of {@code length} bytes at {@code offset} in place (the buffer must have room for
     * 64 more bytes) and returns its new length: flipped bits, random bytes, a changed length field, type
     * or version, a cut or an extension.
     */
    int mutate(MutableDirectBuffer buffer, int offset, int length) {
        SplittableRandom r = random;
        switch (r.nextInt(8)) {
            case 0 -> {
                int flips = 1 + r.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    int at = offset + r.nextInt(length);
                    buffer.putByte(at, (byte) (buffer.getByte(at) ^ (1 << r.nextInt(8))));
                }
            }
            case 1 -> {
                int bytes = 1 + r.nextInt(8);
                for (int i = 0; i < bytes; i++) {
                    buffer.putByte(offset + r.nextInt(length), (byte) r.nextInt());
                }
            }
            case 2 -> buffer.putInt(offset, interestingInt(length), Protocol.ORDER);
            case 3 -> buffer.putByte(offset + Protocol.TYPE_OFFSET, (byte) r.nextInt(256));
            case 4 -> buffer.putByte(offset + Protocol.VERSION_OFFSET, (byte) r.nextInt(256));
            case 5 -> {
                // a count or length field somewhere in the body gets an extreme value
                if (length >= Protocol.HEADER_LENGTH + 4) {
                    int at = offset + Protocol.HEADER_LENGTH + r.nextInt(length - Protocol.HEADER_LENGTH - 3);
                    buffer.putInt(at, interestingInt(length), Protocol.ORDER);
                }
            }
            case 6 -> {
                int cut = 1 + r.nextInt(Math.min(length, 32));
                length -= cut;
                if (r.nextBoolean()) {
                    buffer.putInt(offset, length, Protocol.ORDER); // consistent length, cut body
                }
            }
            default -> {
                int extra = 1 + r.nextInt(64);
                for (int i = 0; i < extra; i++) {
                    buffer.putByte(offset + length + i, (byte) r.nextInt());
                }
                length += extra;
                if (r.nextBoolean()) {
                    buffer.putInt(offset, length, Protocol.ORDER);
                }
            }
        }
        return Math.max(0, length);
    }

    private int interestingInt(int length) {
        return switch (random.nextInt(8)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> Integer.MIN_VALUE;
            case 3 -> Integer.MAX_VALUE;
            case 4 -> length + 1;
            case 5 -> length - 1;
            case 6 -> random.nextInt(16);
            default -> random.nextInt();
        };
    }

    /** Plain noise, 0 to 199 bytes. */
    int noise(MutableDirectBuffer buffer, int offset) {
        int length = random.nextInt(200);
        for (int i = 0; i < length; i++) {
            buffer.putByte(offset + i, (byte) random.nextInt());
        }
        return length;
    }
}
