package io.raftlog.raft;

/**
 * A Raft message between two nodes: one mutable class for every type (as etcd's raftpb.Message), so a
 * driver can reuse one instance per direction and nothing is allocated per message on the hot path.
 * Which fields mean something depends on {@link #type}; the others are left at zero.
 *
 * <p>Outgoing AppendEntries carry no payloads: {@link #entryCount} entries from {@code prevLogIndex + 1}
 * are in the sender's {@link RaftLog}, and the driver encodes them from there while the send callback
 * runs. Incoming AppendEntries carry their entries in {@link #entries}.
 */
public final class Message {
    public MessageType type;
    public int from;
    public int to;
    /** The sender's current term; for PRE_VOTE, the term the sender would campaign in. */
    public long term;

    // PRE_VOTE, VOTE: the candidate's last log position (the election restriction, Raft 5.4.1).
    public long lastLogIndex;
    public long lastLogTerm;

    // PRE_VOTE_RESPONSE, VOTE_RESPONSE
    public boolean granted;

    // APPEND; SNAPSHOT uses the first three (the last compacted index, its term, the leader's commit).
    public long prevLogIndex;
    public long prevLogTerm;
    public long leaderCommit;
    public int entryCount;
    /** Incoming only: the entries' bytes; null on outgoing messages (read them from the log). */
    public EntrySource entries;

    // APPEND_RESPONSE
    public boolean success;
    /**
     * On success: the highest index the follower holds durably and knows to match the leader. On rejection:
     * the prevLogIndex it rejected, so the leader can tell a stale rejection from a current one.
     */
    public long matchIndex;
    /** On rejection: the term of the follower's entry at prevLogIndex, or 0 if its log is shorter. */
    public long conflictTerm;
    /** On rejection: the first index of {@code conflictTerm} in the follower's log, or its lastIndex + 1. */
    public long conflictIndex;

    public Message clear() {
        type = null;
        from = 0;
        to = 0;
        term = 0;
        lastLogIndex = 0;
        lastLogTerm = 0;
        granted = false;
        prevLogIndex = 0;
        prevLogTerm = 0;
        leaderCommit = 0;
        entryCount = 0;
        entries = null;
        success = false;
        matchIndex = 0;
        conflictTerm = 0;
        conflictIndex = 0;
        return this;
    }

    /** Copies every field but {@link #entries} (which is a borrowed view). */
    public Message copyFrom(Message m) {
        type = m.type;
        from = m.from;
        to = m.to;
        term = m.term;
        lastLogIndex = m.lastLogIndex;
        lastLogTerm = m.lastLogTerm;
        granted = m.granted;
        prevLogIndex = m.prevLogIndex;
        prevLogTerm = m.prevLogTerm;
        leaderCommit = m.leaderCommit;
        entryCount = m.entryCount;
        entries = null;
        success = m.success;
        matchIndex = m.matchIndex;
        conflictTerm = m.conflictTerm;
        conflictIndex = m.conflictIndex;
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(type).append(' ').append(from).append("->").append(to)
            .append(" t").append(term);
        if (type == null) {
            return sb.toString();
        }
        switch (type) {
            case PRE_VOTE, VOTE -> sb.append(" last=").append(lastLogIndex).append('@').append(lastLogTerm);
            case PRE_VOTE_RESPONSE, VOTE_RESPONSE -> sb.append(granted ? " granted" : " rejected");
            case APPEND -> sb.append(" prev=").append(prevLogIndex).append('@').append(prevLogTerm)
                .append(" n=").append(entryCount).append(" commit=").append(leaderCommit);
            case SNAPSHOT -> sb.append(" through=").append(prevLogIndex).append('@').append(prevLogTerm)
                .append(" commit=").append(leaderCommit);
            case APPEND_RESPONSE -> {
                if (success) {
                    sb.append(" ok match=").append(matchIndex);
                } else {
                    sb.append(" reject conflict=").append(conflictIndex).append('@').append(conflictTerm);
                }
            }
            default -> { }
        }
        return sb.toString();
    }
}
