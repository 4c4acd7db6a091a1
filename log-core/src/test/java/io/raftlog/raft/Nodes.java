package io.raftlog.raft;

import org.agrona.ExpandableArrayBuffer;

/** Building blocks for RaftNode tests: configs, nodes, logs, messages. */
final class Nodes {
    static final int ELECTION = 10;
    static final int HEARTBEAT = 2;
    static final ExpandableArrayBuffer PAYLOAD = new ExpandableArrayBuffer(64);

    private Nodes() {
    }

    static int[] ids(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i + 1;
        }
        return ids;
    }

    /** PreVote and CheckQuorum off unless a test turns them on; a window of 4 messages of up to 8 entries. */
    static RaftConfig config(int id, int clusterSize) {
        return new RaftConfig(id, ids(clusterSize), ELECTION, HEARTBEAT, 4, 8, 1 << 20, false, false, 42);
    }

    static RaftConfig withFlags(RaftConfig c, boolean preVote, boolean checkQuorum) {
        return new RaftConfig(c.nodeId(), c.members(), c.electionTicks(), c.heartbeatTicks(), c.maxInflight(),
            c.maxEntriesPerAppend(), c.maxBytesPerAppend(), preVote, checkQuorum, c.seed());
    }

    /** A log holding entries of the given terms from index 1, all durable. */
    static MemoryRaftLog logWithTerms(long... terms) {
        MemoryRaftLog log = new MemoryRaftLog();
        for (long t : terms) {
            long index = log.lastIndex() + 1;
            PAYLOAD.putLong(0, index);
            log.append(index, t, EntryType.DATA, PAYLOAD, 0, 8);
        }
        log.sync();
        return log;
    }

    static void tick(RaftNode node, int times) {
        for (int i = 0; i < times; i++) {
            node.tick();
        }
    }

    /** Ticks until the node starts an election (or gives up after 2T ticks). */
    static void timeOut(RaftNode node) {
        Role before = node.role();
        for (int i = 0; i < 2 * ELECTION && node.role() == before; i++) {
            node.tick();
        }
    }

    static long propose(RaftNode node, long value) {
        PAYLOAD.putLong(0, value);
        return node.propose(EntryType.DATA, PAYLOAD, 0, 8);
    }

    static Message message(MessageType type, int from, int to, long term) {
        Message m = new Message();
        m.type = type;
        m.from = from;
        m.to = to;
        m.term = term;
        return m;
    }

    static Message vote(int from, int to, long term, long lastIndex, long lastTerm) {
        Message m = message(MessageType.VOTE, from, to, term);
        m.lastLogIndex = lastIndex;
        m.lastLogTerm = lastTerm;
        return m;
    }

    static Message preVote(int from, int to, long term, long lastIndex, long lastTerm) {
        Message m = vote(from, to, term, lastIndex, lastTerm);
        m.type = MessageType.PRE_VOTE;
        return m;
    }

    static Message voteResponse(int from, int to, long term, boolean granted) {
        Message m = message(MessageType.VOTE_RESPONSE, from, to, term);
        m.granted = granted;
        return m;
    }

    static Message append(int from, int to, long term, long prevIndex, long prevTerm, long commit, long... entryTerms) {
        Message m = message(MessageType.APPEND, from, to, term);
        m.prevLogIndex = prevIndex;
        m.prevLogTerm = prevTerm;
        m.leaderCommit = commit;
        m.entryCount = entryTerms.length;
        m.entries = entryTerms.length == 0 ? null : new TestEntries(prevIndex + 1, entryTerms);
        return m;
    }

    static Message ack(int from, int to, long term, long matchIndex) {
        Message m = message(MessageType.APPEND_RESPONSE, from, to, term);
        m.success = true;
        m.matchIndex = matchIndex;
        return m;
    }

    static Message reject(int from, int to, long term, long rejectedPrev, long conflictTerm, long conflictIndex) {
        Message m = message(MessageType.APPEND_RESPONSE, from, to, term);
        m.success = false;
        m.matchIndex = rejectedPrev;
        m.conflictTerm = conflictTerm;
        m.conflictIndex = conflictIndex;
        return m;
    }

    /**
     * Makes node 1 of a cluster leader of {@code term + 1} (PreVote off): it times out and every peer grants.
     * The leader's no-op is then at lastIndex, not yet persisted.
     */
    static void elect(RaftNode node, Recorder out) {
        timeOut(node);
        long term = node.term();
        for (int peer : node.members()) {
            if (peer != node.id() && node.role() != Role.LEADER) {
                node.step(voteResponse(peer, node.id(), term, true));
            }
        }
        if (node.role() != Role.LEADER) {
            throw new AssertionError("not elected: " + node);
        }
    }
}
