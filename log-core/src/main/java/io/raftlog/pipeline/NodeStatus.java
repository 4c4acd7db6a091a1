package io.raftlog.pipeline;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import io.raftlog.raft.Role;

/**
 * What the raft thread publishes about its node at the end of every batch, for other threads (status
 * requests, the fetch thread that serves committed entries). Single writer; readers see a recent, not an
 * atomic, picture, which is all status and fetch need: the commit index only grows.
 */
public final class NodeStatus implements NodeStanding {
    private static final long LEADER_KNOWN = Long.MIN_VALUE;
    private static final long NOT_BEHIND = Long.MIN_VALUE;
    private final int nodeId;
    private final int[] members;
    private final AtomicLongArray matchIndex;
    private final AtomicLongArray millisSinceHeard;
    private volatile Role role = Role.FOLLOWER;
    private volatile long term;
    private volatile int leaderId;
    /**
     * System.nanoTime() when this node last lost sight of a leader (or started without one); {@link #LEADER_KNOWN}
     * while it knows one. Kept on the raft thread, read by the fetch thread to stop holding consumers that can
     * learn no new commits here.
     */
    private volatile long leaderlessSinceNanos = System.nanoTime();
    /** The commit index the leader last sent this node (its own where it leads or knows none). */
    private volatile long leaderCommit;
    /**
     * System.nanoTime() since when this node's commit index has stood still below its leader's (from the batch
     * that last moved it, or first found it behind), or
     * {@link #NOT_BEHIND}: a follower that hears its leader but gets no entries (its answers lost, say) learns no
     * new commits either.
     */
    private volatile long behindSinceNanos = NOT_BEHIND;
    /** System.nanoTime() when the raft thread last handled a tick (or the status was made): its sign of life. */
    private volatile long lastTickNanos = System.nanoTime();
    private volatile long commitIndex;
    private volatile long firstIndex;
    private volatile long lastIndex;
    private volatile long durableIndex;
    private volatile long malformedPeerFrames;
    private final AtomicLong busyRejections = new AtomicLong();

    NodeStatus(int nodeId, int[] members) {
        this.nodeId = nodeId;
        this.members = members.clone();
        this.matchIndex = new AtomicLongArray(members.length);
        this.millisSinceHeard = new AtomicLongArray(members.length);
    }

    public int nodeId() {
        return nodeId;
    }

    /** Every member's id, this node included, ascending. */
    public int[] members() {
        return members.clone();
    }

    public Role role() {
        return role;
    }

    public long term() {
        return term;
    }

    public int leaderId() {
        return leaderId;
    }

    public long commitIndex() {
        return commitIndex;
    }

    public long firstIndex() {
        return firstIndex;
    }

    public long lastIndex() {
        return lastIndex;
    }

    public long durableIndex() {
        return durableIndex;
    }

    /** The leader's view of {@code memberId}'s durable matchIndex; 0 when this node is not the leader. */
    public long matchIndex(int memberId) {
        return matchIndex.get(slotOf(memberId));
    }

    /**
     * The leader's view of how long ago {@code memberId} last answered it (counted from when it became leader;
     * 0 for itself), in ticks' worth of milliseconds; -1 when this node is not the leader.
     */
    public long millisSinceHeard(int memberId) {
        return millisSinceHeard.get(slotOf(memberId));
    }

    private int slotOf(int memberId) {
        for (int i = 0; i < members.length; i++) {
            if (members[i] == memberId) {
                return i;
            }
        }
        throw new IllegalArgumentException("no member " + memberId);
    }

    public long malformedPeerFrames() {
        return malformedPeerFrames;
    }

    public long busyRejections() {
        return busyRejections.get();
    }

    /**
     * How long this node has known no leader as of {@code nowNanos} (System.nanoTime()), or 0 while it knows one.
     * Its role may change during the leaderless time (follower, pre-candidate, candidate): only finding a leader,
     * or becoming one, ends it.
     */
    @Override
    public long leaderlessNanos(long nowNanos) {
        long since = leaderlessSinceNanos;
        return since == LEADER_KNOWN ? 0 : Math.max(0, nowNanos - since);
    }

    void roleChanged(Role newRole, long newTerm, int newLeader) {
        if (newLeader != leaderId || newTerm != term) {
            // Behind is counted against the leader of now: a new one first probes where this log matches its own
            // (a round or two) before it can move the commit index here, and the time behind the old one, whose
            // messages were lost, says nothing about that (found in review: BEHIND 0.1 s into a new term).
            behindSinceNanos = NOT_BEHIND;
        }
        role = newRole;
        term = newTerm;
        if (newLeader != 0) {
            leaderlessSinceNanos = LEADER_KNOWN;
        } else if (leaderlessSinceNanos == LEADER_KNOWN) {
            leaderlessSinceNanos = System.nanoTime();
        }
        leaderId = newLeader;
    }

    /**
     * How long this node's commit index has stood still below the one its leader last sent, as of {@code nowNanos}
     * (System.nanoTime()), or 0.
     */
    @Override
    public long behindNanos(long nowNanos) {
        long since = behindSinceNanos;
        return since == NOT_BEHIND ? 0 : Math.max(0, nowNanos - since);
    }

    /** The commit index this node's leader last sent it; its own where it leads or knows no leader. */
    @Override
    public long leaderCommit() {
        return leaderCommit;
    }

    void update(long commit, long first, long last, long durable, long leaderCommitHeard) {
        boolean moved = commit != commitIndex;
        commitIndex = commit;
        firstIndex = first;
        lastIndex = last;
        durableIndex = durable;
        if (leaderCommitHeard != leaderCommit) {
            leaderCommit = leaderCommitHeard;
        }
        // The clock is read only while behind (at a move, or when it starts): a leader, or a follower keeping
        // up, reads none per batch. Counted from the batch that last moved the commit index, or found it behind.
        if (leaderCommitHeard > commit) {
            if (moved || behindSinceNanos == NOT_BEHIND) {
                behindSinceNanos = System.nanoTime();
            }
        } else if (behindSinceNanos != NOT_BEHIND) {
            behindSinceNanos = NOT_BEHIND;
        }
    }

    @Override
    public long stalledNanos(long nowNanos) {
        return Math.max(0, nowNanos - lastTickNanos);
    }

    /** The raft thread handled a tick at {@code nowNanos}: one clock read per tick period, not per batch. */
    void ticked(long nowNanos) {
        lastTickNanos = nowNanos;
    }

    void matchIndex(int memberSlot, long index) {
        matchIndex.lazySet(memberSlot, index);
    }

    void millisSinceHeard(int memberSlot, long millis) {
        millisSinceHeard.lazySet(memberSlot, millis);
    }

    void countMalformedPeerFrame() {
        malformedPeerFrames = malformedPeerFrames + 1; // single writer
    }

    void countBusy() {
        busyRejections.incrementAndGet(); // network threads and the raft thread
    }

    @Override
    public String toString() {
        return "node " + nodeId + " " + role + " term " + term + " leader " + leaderId + " commit " + commitIndex
            + " last " + lastIndex;
    }
}
