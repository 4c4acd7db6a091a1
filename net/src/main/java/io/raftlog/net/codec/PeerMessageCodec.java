package io.raftlog.net.codec;

import io.raftlog.raft.Message;
import io.raftlog.raft.MessageType;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes a Raft {@link Message} into a peer frame and decodes one back into a reusable Message. One
 * instance per thread (it holds flyweights); nothing is allocated per message.
 */
public final class PeerMessageCodec {
    private final VoteRequestFrame voteRequest = new VoteRequestFrame();
    private final VoteResponseFrame voteResponse = new VoteResponseFrame();
    private final AppendEntriesEncoder appendEncoder = new AppendEntriesEncoder();
    private final AppendEntriesDecoder appendDecoder;
    private final AppendEntriesResponseFrame appendResponse = new AppendEntriesResponseFrame();
    private final SnapshotFrame snapshot = new SnapshotFrame();

    /** @param maxFrameLength the largest frame this codec must decode (sizes the entry offset array) */
    public PeerMessageCodec(int maxFrameLength) {
        appendDecoder = AppendEntriesDecoder.forMaxFrameLength(maxFrameLength);
    }

    /** The frame type a message travels in. */
    public static int frameType(MessageType type) {
        return switch (type) {
            case PRE_VOTE -> FrameType.PRE_VOTE;
            case PRE_VOTE_RESPONSE -> FrameType.PRE_VOTE_RESPONSE;
            case VOTE -> FrameType.VOTE;
            case VOTE_RESPONSE -> FrameType.VOTE_RESPONSE;
            case APPEND -> FrameType.APPEND_ENTRIES;
            case APPEND_RESPONSE -> FrameType.APPEND_ENTRIES_RESPONSE;
            case SNAPSHOT -> FrameType.SNAPSHOT;
        };
    }

    /** The message type a peer frame carries, or null for LEADER_HINT and non-peer types. */
    public static MessageType messageType(int frameType) {
        return switch (frameType) {
            case FrameType.PRE_VOTE -> MessageType.PRE_VOTE;
            case FrameType.PRE_VOTE_RESPONSE -> MessageType.PRE_VOTE_RESPONSE;
            case FrameType.VOTE -> MessageType.VOTE;
            case FrameType.VOTE_RESPONSE -> MessageType.VOTE_RESPONSE;
            case FrameType.APPEND_ENTRIES -> MessageType.APPEND;
            case FrameType.APPEND_ENTRIES_RESPONSE -> MessageType.APPEND_RESPONSE;
            case FrameType.SNAPSHOT -> MessageType.SNAPSHOT;
            default -> null;
        };
    }

    /**
     * Encodes {@code message} at {@code offset}, writing at most {@code capacity} bytes, and returns the
     * frame length, or -1 if not even the fixed part fits. For APPEND the {@code entryCount} entries after
     * prevLogIndex are read from {@code entries} straight into the frame; if they do not all fit, the
     * frame carries fewer ({@link #lastEntryCount()} says how many) - size the capacity with
     * {@link AppendEntriesEncoder#frameLength} to avoid that. {@code entries} may be null for other types.
     */
    public int encode(Message message, MutableDirectBuffer buffer, int offset, int capacity, EntryReader entries) {
        switch (message.type) {
            case PRE_VOTE, VOTE -> {
                if (capacity < VoteRequestFrame.LENGTH) {
                    return -1;
                }
                return voteRequest.encode(buffer, offset, frameType(message.type), message.from, message.to,
                    message.term, message.lastLogIndex, message.lastLogTerm);
            }
            case PRE_VOTE_RESPONSE, VOTE_RESPONSE -> {
                if (capacity < VoteResponseFrame.LENGTH) {
                    return -1;
                }
                return voteResponse.encode(buffer, offset, frameType(message.type), message.from, message.to,
                    message.term, message.granted);
            }
            case APPEND -> {
                if (capacity < AppendEntriesEncoder.FIXED_LENGTH) {
                    return -1;
                }
                appendEncoder.wrap(buffer, offset, capacity, message.from, message.to, message.term,
                    message.prevLogIndex, message.prevLogTerm, message.leaderCommit);
                if (message.entryCount > 0) {
                    appendEncoder.appendFrom(entries, message.entryCount);
                }
                return appendEncoder.frameLength();
            }
            case APPEND_RESPONSE -> {
                if (capacity < AppendEntriesResponseFrame.LENGTH) {
                    return -1;
                }
                return appendResponse.encode(buffer, offset, message.from, message.to, message.term,
                    message.success, message.matchIndex, message.conflictTerm, message.conflictIndex);
            }
            case SNAPSHOT -> {
                if (capacity < SnapshotFrame.LENGTH) {
                    return -1;
                }
                return snapshot.encode(buffer, offset, message.from, message.to, message.term, message.prevLogIndex,
                    message.prevLogTerm, message.leaderCommit);
            }
            default -> throw new IllegalArgumentException("unhandled message type " + message.type);
        }
    }

    /** Entries in the last APPEND frame encoded. */
    public int lastEntryCount() {
        return appendEncoder.entryCount();
    }

    /**
     * Decodes a whole peer frame into {@code into} (cleared first). For APPEND, {@code into.entries} is a
     * view over {@code buffer}, valid until the next decode or until the buffer is reused.
     *
     * @return null on success, else what is wrong with the frame
     */
    public String decode(DirectBuffer buffer, int offset, int length, Message into) {
        into.clear();
        if (length < Protocol.HEADER_LENGTH) {
            return "frame of " + length + " bytes is shorter than the header";
        }
        int type = Protocol.type(buffer, offset);
        String bad;
        switch (type) {
            case FrameType.PRE_VOTE, FrameType.VOTE -> {
                bad = voteRequest.wrap(buffer, offset, length);
                if (bad == null) {
                    into.from = voteRequest.from();
                    into.to = voteRequest.to();
                    into.term = voteRequest.term();
                    into.lastLogIndex = voteRequest.lastLogIndex();
                    into.lastLogTerm = voteRequest.lastLogTerm();
                }
            }
            case FrameType.PRE_VOTE_RESPONSE, FrameType.VOTE_RESPONSE -> {
                bad = voteResponse.wrap(buffer, offset, length);
                if (bad == null) {
                    into.from = voteResponse.from();
                    into.to = voteResponse.to();
                    into.term = voteResponse.term();
                    into.granted = voteResponse.granted();
                }
            }
            case FrameType.APPEND_ENTRIES -> {
                bad = appendDecoder.wrap(buffer, offset, length);
                if (bad == null) {
                    into.from = appendDecoder.from();
                    into.to = appendDecoder.to();
                    into.term = appendDecoder.term();
                    into.prevLogIndex = appendDecoder.prevLogIndex();
                    into.prevLogTerm = appendDecoder.prevLogTerm();
                    into.leaderCommit = appendDecoder.leaderCommit();
                    into.entryCount = appendDecoder.count();
                    into.entries = appendDecoder;
                }
            }
            case FrameType.APPEND_ENTRIES_RESPONSE -> {
                bad = appendResponse.wrap(buffer, offset, length);
                if (bad == null) {
                    into.from = appendResponse.from();
                    into.to = appendResponse.to();
                    into.term = appendResponse.term();
                    into.success = appendResponse.success();
                    into.matchIndex = appendResponse.matchIndex();
                    into.conflictTerm = appendResponse.conflictTerm();
                    into.conflictIndex = appendResponse.conflictIndex();
                }
            }
            case FrameType.SNAPSHOT -> {
                bad = snapshot.wrap(buffer, offset, length);
                if (bad == null) {
                    into.from = snapshot.from();
                    into.to = snapshot.to();
                    into.term = snapshot.term();
                    into.prevLogIndex = snapshot.lastIndex();
                    into.prevLogTerm = snapshot.lastTerm();
                    into.leaderCommit = snapshot.leaderCommit();
                }
            }
            default -> bad = FrameType.name(type) + " is not a Raft message frame";
        }
        if (bad == null) {
            into.type = messageType(type);
        }
        return bad;
    }
}
