package io.raftlog.sim;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.raftlog.raft.EntryType;
import io.raftlog.raft.MemoryRaftLog;
import io.raftlog.raft.RaftNode;
import org.agrona.DirectBuffer;

/**
 * Raft's safety properties, checked as events happen and after every step. Entries are identified by
 * the unique id each client proposal carries (a leader's no-op by minus its term), so "the same entry"
 * means the same proposal, not just equal bytes.
 */
final class Invariants {

    private record Position(long index, long term) {
    }

    /** What every copy of the entry at one (index, term) must agree on: Log Matching by induction. */
    private record Identity(long entryId, long previousTerm) {
    }

    private final long seed;
    private final SimNode[] nodes;
    long step;

    private final Map<Long, Integer> leaderOfTerm = new HashMap<>();
    private final Map<Position, Identity> appended = new HashMap<>();

    // The cluster's committed prefix, as first observed by any node; index i at [i].
    private long[] committedTerm = new long[1024];
    private long[] committedId = new long[1024];
    private long[] observedInTerm = new long[1024];
    private int committed;
    private final Set<Long> committedIds = new HashSet<>();

    /** The highest index any proposal was acknowledged at so far. */
    private long highestAcknowledged;
    /** Proposal id -> the index its leader acknowledged it at. */
    private final Map<Long, Long> acknowledged = new HashMap<>();
    /** (leader, term) -> per follower, the highest matchIndex it sent that leader in that term. */
    private final Map<Long, long[]> acksSent = new HashMap<>();

    Invariants(long seed, SimNode[] nodes) {
        this.seed = seed;
        this.nodes = nodes;
    }

    static long entryId(byte type, long term, DirectBuffer buffer, int offset, int length) {
        return type == EntryType.DATA && length >= Long.BYTES ? buffer.getLong(offset) : -term;
    }

    private static long entryId(MemoryRaftLog log, long index) {
        return log.typeAt(index) == EntryType.DATA ? log.payloadView(index).getLong(0) : -log.termAt(index);
    }

    InvariantViolation violation(String what) {
        return new InvariantViolation(seed, step, what);
    }

    int committedCount() {
        return committed;
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    long highestAcknowledgedIndex() {
        return highestAcknowledged;
    }

    boolean acknowledged(long proposalId) {
        return acknowledged.containsKey(proposalId);
    }

    void onLeader(SimNode node, long term) {
        Integer other = leaderOfTerm.putIfAbsent(term, node.id);
        if (other != null && other != node.id) {
            throw violation("Election Safety: nodes " + other + " and " + node.id + " both lead term " + term);
        }
        for (int i = 1; i <= committed; i++) {
            if (observedInTerm[i] < term) {
                requireHolds(node, i, term);
            }
        }
    }

    private void requireHolds(SimNode leader, int index, long leaderTerm) {
        MemoryRaftLog log = leader.storage;
        if (index < log.firstIndex()) {
            return; // compacted: a node compacts only entries it committed, which were checked then
        }
        if (index > log.lastIndex() || log.termAt(index) != committedTerm[index] || entryId(log, index) != committedId[index]) {
            throw violation("Leader Completeness: node " + leader.id + " leads term " + leaderTerm
                + " without committed entry " + index + " (term " + committedTerm[index] + ", id " + committedId[index] + ")");
        }
    }

    void onAppend(SimNode node, long index, long term, long entryId, long previousTerm) {
        Identity expected = appended.putIfAbsent(new Position(index, term), new Identity(entryId, previousTerm));
        if (expected != null && (expected.entryId() != entryId || expected.previousTerm() != previousTerm)) {
            throw violation("Log Matching: node " + node.id + " appends entry " + entryId + " at " + index + " term " + term
                + " after term " + previousTerm + ", but elsewhere that position holds entry " + expected.entryId()
                + " after term " + expected.previousTerm());
        }
    }

    void onTruncate(SimNode node, long afterIndex) {
        MemoryRaftLog log = node.storage;
        long upTo = Math.min(log.lastIndex(), committed);
        for (long i = Math.max(afterIndex + 1, log.firstIndex()); i <= upTo; i++) {
            if (log.termAt(i) == committedTerm[(int) i] && entryId(log, i) == committedId[(int) i]) {
                throw violation("committed entry " + i + " (term " + committedTerm[(int) i] + ") removed by node "
                    + node.id + " truncating after " + afterIndex);
            }
        }
    }

    /**
     * A follower drops its log for a leader's snapshot through {@code index}: that entry must be committed
     * with that term, and nothing committed may go with the log beyond it.
     */
    void onSnapshotInstalled(SimNode node, long index, long term) {
        if (index > committed || (index > 0 && committedTerm[(int) index] != term)) {
            throw violation("node " + node.id + " installs a snapshot through " + index + "@" + term
                + ", which is not a committed entry (committed up to " + committed + ")");
        }
        onTruncate(node, index);
    }

    /** A node's commit index advanced: its entries must be the cluster's committed ones (State Machine Safety). */
    void onCommitted(SimNode node, long commitIndex) {
        RaftNode raft = node.raft;
        MemoryRaftLog log = node.storage;
        if (commitIndex > log.lastIndex()) {
            throw violation("node " + node.id + " commits " + commitIndex + " beyond its last index " + log.lastIndex());
        }
        if (commitIndex < log.firstIndex() - 1) {
            throw violation("node " + node.id + " commits " + commitIndex + " below its first index " + log.firstIndex());
        }
        long firstSeen = 0;
        // Below the first index the entries were compacted or replaced by a snapshot, both checked then.
        for (long i = Math.max(node.checkedCommit + 1, log.firstIndex()); i <= commitIndex; i++) {
            long term = log.termAt(i);
            long id = entryId(log, i);
            if (i <= committed) {
                if (committedTerm[(int) i] != term || committedId[(int) i] != id) {
                    throw violation("State Machine Safety: node " + node.id + " commits entry " + id + " (term " + term
                        + ") at " + i + " where entry " + committedId[(int) i] + " (term " + committedTerm[(int) i]
                        + ") was committed");
                }
                continue;
            }
            record((int) i, term, id, raft.term());
            firstSeen = i;
            if (id >= 0 && !committedIds.add(id)) {
                throw violation("proposal " + id + " committed twice (again at " + i + ")");
            }
            for (SimNode other : nodes) {
                if (other.leads() && other.raft.term() > raft.term()) {
                    requireHolds(other, (int) i, other.raft.term());
                }
            }
        }
        node.checkedCommit = Math.max(node.checkedCommit, commitIndex);
        if (firstSeen > 0) {
            requireDurableMajority(node, (int) firstSeen);
        }
        checkCommittedEntryCannotBeOutvoted();
        if (node.leads()) {
            while (!node.pending.isEmpty() && node.pending.peekFirst()[0] <= commitIndex) {
                long[] p = node.pending.pollFirst();
                if (committedId[(int) p[0]] != p[1]) {
                    throw violation("node " + node.id + " acknowledges proposal " + p[1] + " at " + p[0]
                        + " but the committed entry there is " + committedId[(int) p[0]]);
                }
                if (p[0] <= p[2]) {
                    // Linearizability of appends: what was acknowledged before this one was even invoked comes first.
                    throw violation("Real-time order: node " + node.id + " acknowledges proposal " + p[1] + " at " + p[0]
                        + ", but an append acknowledged before it was proposed holds index " + p[2]);
                }
                acknowledged.put(p[1], p[0]);
                highestAcknowledged = Math.max(highestAcknowledged, p[0]);
            }
        }
    }

    /**
     * An entry is committed only once a majority holds it durably: what storage reports durable (a crash keeps
     * it), not what a node's Raft state believes. Durable prefixes are whole (Log Matching), so checking the
     * newest entry a commit revealed covers those below it; a node whose log was compacted past it holds it
     * in its snapshot.
     */
    private void requireDurableMajority(SimNode committer, int index) {
        int holders = 0;
        for (SimNode n : nodes) {
            MemoryRaftLog log = n.storage;
            if (index < log.firstIndex()
                || (log.durableIndex() >= index && log.termAt(index) == committedTerm[index]
                    && entryId(log, index) == committedId[index])) {
                holders++;
            }
        }
        if (holders <= nodes.length / 2) {
            throw violation("Durable Majority: node " + committer.id + " commits " + index + " (term "
                + committedTerm[index] + ") held durably by only " + holders + " of " + nodes.length + " nodes");
        }
    }

    private void record(int index, long term, long id, long observerTerm) {
        if (index >= committedTerm.length) {
            int size = committedTerm.length * 2;
            committedTerm = java.util.Arrays.copyOf(committedTerm, size);
            committedId = java.util.Arrays.copyOf(committedId, size);
            observedInTerm = java.util.Arrays.copyOf(observedInTerm, size);
        }
        committedTerm[index] = term;
        committedId[index] = id;
        observedInTerm[index] = observerTerm;
        committed = index;
    }

    /** A successful APPEND_RESPONSE leaves {@code from}: it may acknowledge only what it holds durably. */
    void onAcknowledgementSent(SimNode from, int leader, long term, long matchIndex) {
        if (matchIndex > from.storage.durableIndex()) {
            throw violation("node " + from.id + " acknowledges index " + matchIndex + " to " + leader
                + " but has only " + from.storage.durableIndex() + " durable");
        }
        long[] acks = acksSent.computeIfAbsent(term * 64 + leader, k -> new long[nodes.length + 1]);
        acks[from.id] = Math.max(acks[from.id], matchIndex);
    }

    void afterStep() {
        checkCommittedEntryCannotBeOutvoted();
        for (SimNode node : nodes) {
            RaftNode raft = node.raft;
            if (raft == null) {
                continue;
            }
            long durable = raft.durableIndex();
            if (durable > node.storage.durableIndex()) {
                throw violation("node " + node.id + " counts " + durable + " as durable but storage has only "
                    + node.storage.durableIndex());
            }
            if (durable < node.lastDurable && !node.truncated) {
                throw violation("node " + node.id + " durable index moved back from " + node.lastDurable + " to " + durable);
            }
            node.lastDurable = durable;
            node.truncated = false;
            if (raft.commitIndex() > raft.lastIndex()) {
                throw violation("node " + node.id + " commit " + raft.commitIndex() + " beyond last index " + raft.lastIndex());
            }
            if (node.leads()) {
                long[] acks = acksSent.get(raft.term() * 64 + node.id);
                for (SimNode peer : nodes) {
                    if (peer != node) {
                        long sent = acks == null ? 0 : acks[peer.id];
                        if (raft.matchIndex(peer.id) > sent) {
                            throw violation("leader " + node.id + " of term " + raft.term() + " counts match "
                                + raft.matchIndex(peer.id) + " for node " + peer.id + ", which acknowledged only "
                                + sent + " in that term");
                        }
                    }
                }
            }
        }
    }

    /**
     * The invariant behind Leader Completeness, checked now rather than when it finally bites: a node that
     * lacks the latest committed entry must not be able to win an election, that is, fewer than a quorum of
     * logs (its own included) may be no more up to date than its own. (In correct Raft the entry is durable
     * on a majority whose logs all beat any log without it.) Nodes lacking an earlier committed entry lack
     * the latest one too, so checking the latest suffices.
     */
    private void checkCommittedEntryCannotBeOutvoted() {
        if (committed == 0) {
            return;
        }
        int k = committed;
        for (SimNode candidate : nodes) {
            MemoryRaftLog log = candidate.storage;
            if (k < log.firstIndex() || (log.lastIndex() >= k && log.termAt(k) == committedTerm[k])) {
                continue;
            }
            long lastIndex = log.lastIndex();
            long lastTerm = log.termAt(lastIndex);
            int voters = 0;
            for (SimNode voter : nodes) {
                long vIndex = voter.storage.lastIndex();
                long vTerm = voter.storage.termAt(vIndex);
                if (lastTerm > vTerm || (lastTerm == vTerm && lastIndex >= vIndex)) {
                    voters++;
                }
            }
            if (voters > nodes.length / 2) {
                throw violation("committed entry " + k + " (term " + committedTerm[k] + ") can be lost: node "
                    + candidate.id + " lacks it (last " + lastIndex + "@" + lastTerm + ") and " + voters
                    + " of " + nodes.length + " logs would vote for it");
            }
        }
    }

    /** At the end: every acknowledged proposal is in the committed log exactly once, where it was acknowledged. */
    void checkAcknowledgedPresent(SimNode reference) {
        MemoryRaftLog log = reference.storage;
        long commit = reference.raft.commitIndex();
        Map<Long, Long> seen = new HashMap<>();
        for (long i = log.firstIndex(); i <= commit; i++) {
            long id = entryId(log, i);
            if (id >= 0 && seen.put(id, i) != null) {
                throw violation("proposal " + id + " appears twice in node " + reference.id + "'s committed log");
            }
        }
        for (Map.Entry<Long, Long> a : acknowledged.entrySet()) {
            if (a.getValue() >= log.firstIndex() && a.getValue() <= commit && !a.getValue().equals(seen.get(a.getKey()))) {
                throw violation("acknowledged proposal " + a.getKey() + " (index " + a.getValue()
                    + ") is missing from node " + reference.id + "'s committed log");
            }
        }
    }
}
