package io.raftlog.raft;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * One Raft node as a pure state machine (Raft paper section 5, PreVote and CheckQuorum from the thesis,
 * chapter 9). It has no threads, clock or IO: time is {@link #tick()}, the network is {@link #step} and
 * {@link RaftOutput#send}, storage is {@link RaftLog} plus {@link #persisted} telling it what is durable.
 * Same inputs, same outputs: the only randomness is a {@link SplittableRandom} seeded from the config.
 *
 * <p>Durability drives acknowledgement: a follower reports as its matchIndex only entries that are both
 * durable ({@link #persisted}) and verified to match the current leader's log, and the leader counts its
 * own log only up to its durable index. So an entry commits only once a majority holds it durably, while
 * the leader's own flush runs in parallel with replication.
 *
 * <p>Not thread-safe: one thread owns a node. Nothing is allocated per entry or per message: one
 * {@link Message} is reused for every send and per-follower state is preallocated.
 */
public final class RaftNode {

    private static final DirectBuffer EMPTY = new ExpandableArrayBuffer(1);
    private static final byte GRANTED = 1;
    private static final byte REJECTED = 2;
    /** The largest term or index a message may carry (see validate); 2^62, which no cluster reaches. */
    static final long MAX_NUMBER = 1L << 62;

    private final RaftConfig config;
    private final RaftLog log;
    private final RaftOutput output;
    private final SafetyRules rules;
    private final int id;
    private final int[] members;
    private final int quorum;
    /** Indexed like {@link #members}; the slot of this node is null. */
    private final Progress[] progress;
    /** Indexed like {@link #members}: this election's answers. */
    private final byte[] votes;
    private final long[] matchScratch;
    private final SplittableRandom random;
    private final Message out = new Message();

    private long term;
    private int votedFor;
    private Role role = Role.FOLLOWER;
    private int leaderId;
    private long commitIndex;
    /** The commit index the current leader last sent (a follower's own may lag it while it lacks entries). */
    private long leaderCommitHeard;
    private long durableIndex;

    /** Follower: the highest index known to match the current leader's log (in this term). */
    private long verifiedIndex;
    /** Follower: the highest matchIndex already reported to the current leader (in this term). */
    private long ackedIndex;

    private int electionElapsed;
    private int heartbeatElapsed;
    private int randomizedElectionTimeout;

    /**
     * A node restarting from what its storage recovered: the hard state and the log. The commit index
     * starts just below the log's first index (only committed entries are ever compacted; the rest is
     * learned again from the leader); the recovered log counts as durable.
     */
    public RaftNode(RaftConfig config, RaftLog log, HardState hardState, RaftOutput output) {
        this(config, log, hardState, output, SafetyRules.ENFORCED);
    }

    /** Only for the mutation tests, which prove the simulator catches a node without these rules. */
    RaftNode(RaftConfig config, RaftLog log, HardState hardState, RaftOutput output, SafetyRules rules) {
        this.config = config;
        this.log = log;
        this.output = output;
        this.rules = rules;
        this.id = config.nodeId();
        this.members = config.members();
        this.quorum = config.quorum();
        if (hardState.term() < 0) {
            throw new IllegalArgumentException("hard state term is negative: " + hardState.term());
        }
        if (hardState.votedFor() != 0 && Arrays.binarySearch(members, hardState.votedFor()) < 0) {
            throw new IllegalArgumentException("hard state votedFor " + hardState.votedFor()
                + " is not among members " + Arrays.toString(members));
        }
        this.term = hardState.term();
        this.votedFor = hardState.votedFor();
        this.progress = new Progress[members.length];
        for (int i = 0; i < members.length; i++) {
            if (members[i] != id) {
                progress[i] = new Progress(members[i], config.maxInflight());
            }
        }
        this.votes = new byte[members.length];
        this.matchScratch = new long[members.length];
        this.random = new SplittableRandom(config.seed());
        this.durableIndex = log.lastIndex();
        this.commitIndex = log.firstIndex() - 1;
        resetElectionTimer();
    }

    // ------------------------------------------------------------------------------------------ getters

    public int id() {
        return id;
    }

    public Role role() {
        return role;
    }

    public long term() {
        return term;
    }

    public int votedFor() {
        return votedFor;
    }

    /** The leader of the current term as far as this node knows, or 0. */
    public int leaderId() {
        return leaderId;
    }

    public long commitIndex() {
        return commitIndex;
    }

    /**
     * The commit index this node's leader last told it, or its own where it leads or knows no leader: a follower
     * whose own stands below it lacks entries the cluster has committed.
     */
    public long leaderCommitHeard() {
        return role == Role.FOLLOWER && leaderId != 0 ? Math.max(leaderCommitHeard, commitIndex) : commitIndex;
    }

    /** The highest index this node knows to be durable in its own log. */
    public long durableIndex() {
        return durableIndex;
    }

    public long lastIndex() {
        return log.lastIndex();
    }

    /** Leader: the follower's acknowledged index in this term (this node's own durable index for itself). */
    public long matchIndex(int peer) {
        return peer == id ? durableIndex : progressOf(peer).match;
    }

    /**
     * Leader: ticks since the follower last answered an AppendEntries (counted from this leadership's start), so
     * that a follower that stopped is told from one that is in step; 0 for this node itself.
     */
    public int ticksSinceHeard(int peer) {
        return peer == id ? 0 : progressOf(peer).ticksSinceHeard;
    }

    /** Leader: the next index to send to the follower. */
    public long nextIndex(int peer) {
        return peer == id ? log.lastIndex() + 1 : progressOf(peer).next;
    }

    public int[] members() {
        return members.clone();
    }

    private Progress progressOf(int peer) {
        int slot = Arrays.binarySearch(members, peer);
        if (slot < 0) {
            throw new IllegalArgumentException("node " + peer + " is not among members " + Arrays.toString(members));
        }
        return progress[slot];
    }

    // ------------------------------------------------------------------------------------------- inputs

    /** One unit of logical time. */
    public void tick() {
        if (role == Role.LEADER) {
            tickLeader();
        } else {
            electionElapsed++;
            if (electionElapsed >= randomizedElectionTimeout) {
                campaign(config.preVote());
            }
        }
    }

    /**
     * Appends one entry to the leader's log and returns its index, or -1 if this node is not the leader.
     * Sends nothing: call {@link #replicate()} at the end of the batch.
     */
    public long propose(byte type, DirectBuffer buffer, int offset, int length) {
        if (!EntryType.isValid(type)) {
            throw new IllegalArgumentException("unknown entry type " + type);
        }
        if (length < 0) {
            throw new IllegalArgumentException("negative entry length " + length);
        }
        if (role != Role.LEADER) {
            return -1;
        }
        long index = log.lastIndex() + 1;
        log.append(index, term, type, buffer, offset, length);
        return index;
    }

    /** End of a batch: stream what was proposed to every follower, as far as each window allows. */
    public void replicate() {
        if (role != Role.LEADER) {
            return;
        }
        for (Progress pr : progress) {
            if (pr != null) {
                sendWhileOpen(pr);
            }
        }
    }

    /**
     * The driver made the log durable up to {@code index}, whose entry had {@code term} when it was
     * written. Ignored if the log no longer holds that entry (it was truncated and replaced meanwhile).
     */
    public void persisted(long index, long term) {
        if (index <= durableIndex || index > log.lastIndex() || index < log.firstIndex() - 1
            || log.termAt(index) != term) {
            return;
        }
        durableIndex = index;
        if (role == Role.LEADER) {
            maybeCommit();
        } else if (role == Role.FOLLOWER && leaderId != 0) {
            long match = Math.min(durableIndex, verifiedIndex);
            if (match > ackedIndex) {
                sendAppendSuccess(leaderId, match);
            }
        }
    }

    /** A message from a peer. {@code m.entries} is read only during this call. */
    public void step(Message m) {
        validate(m);
        if (m.type == MessageType.APPEND && m.term >= term) {
            refuseRewriteOfCommitted(m);
        }
        if (m.term > term) {
            if ((m.type == MessageType.VOTE || m.type == MessageType.PRE_VOTE) && inLease()) {
                // Leader stickiness: a live leader exists, so a candidate that cannot see it must not
                // disrupt it (thesis 9.6). Not even its term is adopted.
                return;
            }
            boolean futureTermOfPreVote = m.type == MessageType.PRE_VOTE
                || (m.type == MessageType.PRE_VOTE_RESPONSE && m.granted);
            if (!futureTermOfPreVote) {
                boolean fromLeader = m.type == MessageType.APPEND || m.type == MessageType.SNAPSHOT;
                becomeFollower(m.term, fromLeader ? m.from : 0);
            }
        } else if (m.term < term) {
            answerStale(m);
            return;
        }
        switch (m.type) {
            case PRE_VOTE, VOTE -> handleVoteRequest(m);
            case PRE_VOTE_RESPONSE -> handlePreVoteResponse(m);
            case VOTE_RESPONSE -> handleVoteResponse(m);
            case APPEND -> handleAppend(m);
            case SNAPSHOT -> handleSnapshot(m);
            case APPEND_RESPONSE -> handleAppendResponse(m);
            default -> throw new IllegalArgumentException("unknown message type " + m.type);
        }
    }

    private void validate(Message m) {
        if (m.type == null) {
            throw new IllegalArgumentException("message without a type from " + m.from);
        }
        if (m.to != id) {
            throw new IllegalArgumentException(m.type + " addressed to " + m.to + " delivered to node " + id);
        }
        if (m.from == id || Arrays.binarySearch(members, m.from) < 0) {
            throw new IllegalArgumentException(m.type + " from " + m.from + ", which is not a peer of node " + id);
        }
        if (m.term < 0) {
            throw new IllegalArgumentException(m.type + " from " + m.from + " has negative term " + m.term);
        }
        // No cluster counts this far: a larger term or index is damage or a hostile peer. Adopting it would be
        // forever (the term is durable), and term + 1 or index + 1 would overflow.
        if (m.term > MAX_NUMBER || m.lastLogIndex > MAX_NUMBER || m.lastLogTerm > MAX_NUMBER || m.prevLogIndex > MAX_NUMBER
            || m.prevLogTerm > MAX_NUMBER || m.leaderCommit > MAX_NUMBER || m.matchIndex > MAX_NUMBER
            || m.conflictTerm > MAX_NUMBER || m.conflictIndex > MAX_NUMBER) {
            throw new IllegalArgumentException(m.type + " from " + m.from + " has a term or index above " + MAX_NUMBER + ": " + m);
        }
        if (m.type == MessageType.APPEND) {
            if (m.prevLogIndex < 0 || m.prevLogTerm < 0 || m.leaderCommit < 0 || m.entryCount < 0) {
                throw new IllegalArgumentException("APPEND from " + m.from + " has a negative index, term or count: " + m);
            }
            if (m.entryCount > 0 && (m.entries == null || m.entries.count() != m.entryCount)) {
                throw new IllegalArgumentException("APPEND from " + m.from + " announces " + m.entryCount
                    + " entries but carries " + (m.entries == null ? 0 : m.entries.count()));
            }
            long previousTerm = m.prevLogTerm;
            for (int i = 0; i < m.entryCount; i++) {
                long t = m.entries.term(i);
                if (t < previousTerm || t > m.term) {
                    throw new IllegalArgumentException("APPEND from " + m.from + ": entry " + (m.prevLogIndex + 1 + i)
                        + " has term " + t + ", outside [" + previousTerm + ", " + m.term + "]");
                }
                if (!EntryType.isValid(m.entries.type(i))) {
                    throw new IllegalArgumentException("APPEND from " + m.from + ": entry " + (m.prevLogIndex + 1 + i)
                        + " has unknown type " + m.entries.type(i));
                }
                previousTerm = t;
            }
        }
        if (m.type == MessageType.SNAPSHOT) {
            // Index 0 alone has term 0: installing a later index with term 0 would let any candidate pass the
            // election restriction here.
            if (m.prevLogIndex < 0 || m.prevLogTerm < 0 || m.leaderCommit < m.prevLogIndex || m.prevLogTerm > m.term
                || (m.prevLogIndex == 0) != (m.prevLogTerm == 0) || m.entryCount != 0) {
                throw new IllegalArgumentException("SNAPSHOT from " + m.from + " is not a committed prefix of its term: " + m);
            }
        }
    }

    /** A message from an older term: answer requests so their sender learns the term; drop responses. */
    private void answerStale(Message m) {
        switch (m.type) {
            case APPEND, SNAPSHOT -> {
                startMessage(MessageType.APPEND_RESPONSE, m.from);
                out.success = false;
                output.send(out);
            }
            case PRE_VOTE, VOTE -> sendVoteResponse(m.type, m.from, term, false);
            default -> { }
        }
    }

    // ------------------------------------------------------------------------------------- roles, terms

    private void becomeFollower(long newTerm, int leader) {
        boolean termChanged = newTerm != term;
        if (termChanged) {
            term = newTerm;
            votedFor = 0;
            verifiedIndex = 0;
            ackedIndex = 0;
            output.persistHardState(term, votedFor);
        }
        Role oldRole = role;
        int oldLeader = leaderId;
        role = Role.FOLLOWER;
        leaderId = leader;
        if (termChanged || oldLeader != leader) {
            leaderCommitHeard = 0;
        }
        resetElectionTimer();
        if (oldRole != role || oldLeader != leader || termChanged) {
            output.roleChanged(role, term, leaderId);
        }
    }

    private void resetElectionTimer() {
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = config.electionTicks() + random.nextInt(config.electionTicks());
    }

    /** A follower that heard from a live leader within an election timeout (CheckQuorum's lease). */
    private boolean inLease() {
        return config.checkQuorum() && leaderId != 0 && electionElapsed < config.electionTicks();
    }

    private void campaign(boolean preVote) {
        Arrays.fill(votes, (byte) 0);
        leaderId = 0;
        resetElectionTimer();
        long campaignTerm;
        if (preVote) {
            // Ask first whether we could win, without raising our term: a node cut off from the cluster
            // then keeps its term, and cannot force a healthy leader out when it comes back.
            role = Role.PRE_CANDIDATE;
            campaignTerm = term + 1;
        } else {
            role = Role.CANDIDATE;
            term++;
            votedFor = id;
            verifiedIndex = 0;
            ackedIndex = 0;
            output.persistHardState(term, votedFor);
            campaignTerm = term;
        }
        output.roleChanged(role, term, 0);
        votes[Arrays.binarySearch(members, id)] = GRANTED;
        if (countVotes(GRANTED) >= quorum) {
            electionWon();
            return;
        }
        long lastIndex = log.lastIndex();
        long lastTerm = log.termAt(lastIndex);
        for (int peer : members) {
            if (peer != id) {
                startMessage(preVote ? MessageType.PRE_VOTE : MessageType.VOTE, peer);
                out.term = campaignTerm;
                out.lastLogIndex = lastIndex;
                out.lastLogTerm = lastTerm;
                output.send(out);
            }
        }
    }

    private void electionWon() {
        if (role == Role.PRE_CANDIDATE) {
            campaign(false);
        } else {
            becomeLeader();
        }
    }

    private int countVotes(byte answer) {
        int n = 0;
        for (byte v : votes) {
            if (v == answer) {
                n++;
            }
        }
        return n;
    }

    private void becomeLeader() {
        role = Role.LEADER;
        leaderId = id;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        long lastIndex = log.lastIndex();
        for (Progress pr : progress) {
            if (pr != null) {
                pr.resetForNewTerm(lastIndex);
            }
        }
        output.roleChanged(role, term, id);
        // An entry of our own term: entries of earlier terms commit only under one (5.4.2), so without it
        // they could wait until the next client append.
        log.append(lastIndex + 1, term, EntryType.NOOP, EMPTY, 0, 0);
        if (quorum == 1) {
            maybeCommit();
        }
        replicate();
    }

    // ------------------------------------------------------------------------------------------ voting

    private void handleVoteRequest(Message m) {
        boolean preVote = m.type == MessageType.PRE_VOTE;
        boolean canVote = votedFor == m.from
            || (votedFor == 0 && leaderId == 0)
            || (preVote && m.term > term);
        if (canVote && candidateLogUpToDate(m.lastLogIndex, m.lastLogTerm)) {
            if (!preVote) {
                votedFor = m.from;
                if (rules.voteDurableFirst()) {
                    output.persistHardState(term, votedFor);
                }
                electionElapsed = 0;
            }
            // A granted pre-vote carries the term the candidate would campaign in, so it counts there.
            sendVoteResponse(m.type, m.from, m.term, true);
        } else {
            sendVoteResponse(m.type, m.from, term, false);
        }
    }

    /** The election restriction (5.4.1): last term first, then length. */
    private boolean candidateLogUpToDate(long lastIndex, long lastTerm) {
        if (!rules.electionRestriction()) {
            return true;
        }
        long myLastIndex = log.lastIndex();
        long myLastTerm = log.termAt(myLastIndex);
        return lastTerm > myLastTerm || (lastTerm == myLastTerm && lastIndex >= myLastIndex);
    }

    private void sendVoteResponse(MessageType request, int to, long responseTerm, boolean granted) {
        startMessage(request == MessageType.PRE_VOTE ? MessageType.PRE_VOTE_RESPONSE : MessageType.VOTE_RESPONSE, to);
        out.term = responseTerm;
        out.granted = granted;
        output.send(out);
    }

    private void handlePreVoteResponse(Message m) {
        if (role != Role.PRE_CANDIDATE) {
            return;
        }
        // Granted answers come in our campaign term, rejections in our current term; anything else is old.
        if ((m.granted && m.term == term + 1) || (!m.granted && m.term == term)) {
            recordVote(m.from, m.granted);
        }
    }

    private void handleVoteResponse(Message m) {
        if (role == Role.CANDIDATE) {
            recordVote(m.from, m.granted);
        }
    }

    private void recordVote(int from, boolean granted) {
        votes[Arrays.binarySearch(members, from)] = granted ? GRANTED : REJECTED;
        if (countVotes(GRANTED) >= quorum) {
            electionWon();
        } else if (countVotes(REJECTED) > members.length - quorum) {
            becomeFollower(term, 0); // lost: fewer than a quorum can still grant (in an even cluster before a quorum rejects)
        }
    }

    // ------------------------------------------------------------------------------- follower: append

    /** An APPEND or SNAPSHOT of the current term: its sender leads it, and it is alive. */
    private void followSender(Message m) {
        if (role != Role.FOLLOWER) {
            if (role == Role.LEADER) {
                // Raft never elects two leaders in one term: the sender is broken or hostile. Refused before
                // anything changed, so this leader goes on.
                throw new IllegalArgumentException("node " + id + " leads term " + term + " but got " + m.type + " from "
                    + m.from + " in the same term: two leaders in one term");
            }
            becomeFollower(term, m.from);
        } else if (leaderId != m.from) {
            leaderId = m.from;
            leaderCommitHeard = 0; // a new leader's, not the max with an old one's
            output.roleChanged(role, term, leaderId);
        }
        leaderCommitHeard = Math.max(leaderCommitHeard, m.leaderCommit);
        electionElapsed = 0;
    }

    /**
     * Refuses (throws) an APPEND that contradicts an entry this node holds as committed, before {@link #step}
     * changes anything, not even the term. A leader holds every committed entry (Leader Completeness), so only a
     * broken or hostile sender writes one; before, a higher term in such a message was adopted (and persisted, with
     * its sender as leader) before the refusal. Follows {@link #handleAppend}'s path: a message it rejects on its
     * previous entry is answered, not refused. Entries at or below {@code firstIndex - 1} were compacted, all of
     * them committed, and match; the message's entry at {@code firstIndex - 1}, if it has one, must carry the term
     * kept for it.
     */
    private void refuseRewriteOfCommitted(Message m) {
        long prev = m.prevLogIndex;
        long lastIndex = log.lastIndex();
        long firstIndex = log.firstIndex();
        if (prev > lastIndex || prev >= firstIndex - 1 && log.termAt(prev) != m.prevLogTerm) {
            return; // rejected, and answered, by handleAppend
        }
        if (prev < firstIndex - 1 && prev + m.entryCount >= firstIndex - 1
            && m.entries.term((int) (firstIndex - 2 - prev)) != log.termAt(firstIndex - 1)) {
            throw new IllegalArgumentException("APPEND from " + m.from + " gives entry " + (firstIndex - 1) + " term "
                + m.entries.term((int) (firstIndex - 2 - prev)) + ", but it was committed and compacted here with term "
                + log.termAt(firstIndex - 1));
        }
        long upTo = Math.min(Math.min(commitIndex, lastIndex), prev + m.entryCount);
        for (long index = Math.max(prev + 1, firstIndex); index <= upTo; index++) {
            if (log.termAt(index) != m.entries.term((int) (index - prev - 1))) {
                throw new IllegalArgumentException("node " + id + ": APPEND from " + m.from + " conflicts at "
                    + index + ", at or below commit index " + commitIndex);
            }
        }
    }

    private void handleAppend(Message m) {
        followSender(m);
        long prev = m.prevLogIndex;
        long lastIndex = log.lastIndex();
        long firstIndex = log.firstIndex();
        if (prev > lastIndex) {
            sendAppendReject(m.from, prev, 0, lastIndex + 1);
            return;
        }
        if (prev >= firstIndex - 1) {
            long ourTerm = log.termAt(prev);
            if (ourTerm != m.prevLogTerm) {
                sendAppendReject(m.from, prev, ourTerm, firstIndexOfTerm(ourTerm, prev));
                return;
            }
        } // else it reaches into the compacted prefix, where refuseRewriteOfCommitted found it agreeing
        for (int i = 0; i < m.entryCount; i++) {
            long index = prev + 1 + i;
            if (index < firstIndex) {
                continue;
            }
            long entryTerm = m.entries.term(i);
            if (index <= log.lastIndex()) {
                if (log.termAt(index) == entryTerm) {
                    continue;
                }
                if (index <= commitIndex) {
                    // refuseRewriteOfCommitted lets no such message through; the last guard of committed entries.
                    throw new IllegalStateException("node " + id + ": APPEND from " + m.from + " conflicts at "
                        + index + ", at or below commit index " + commitIndex + ", past the check");
                }
                log.truncateAfter(index - 1);
                if (durableIndex > index - 1) {
                    durableIndex = index - 1;
                }
            }
            log.append(index, entryTerm, m.entries.type(i), m.entries.buffer(i), m.entries.offset(i),
                m.entries.length(i));
        }
        long verifiedNow = prev + m.entryCount;
        if (verifiedNow > verifiedIndex) {
            verifiedIndex = verifiedNow;
        }
        followCommit(m.leaderCommit);
        // Heartbeats get an answer at once (CheckQuorum counts on it); entries once they are durable,
        // which persisted() reports, coalescing many appends into one answer.
        long match = rules.durableAcks() ? Math.min(durableIndex, verifiedIndex) : verifiedIndex;
        if (m.entryCount == 0 || match >= verifiedNow || match > ackedIndex) {
            sendAppendSuccess(m.from, match);
        }
    }

    /**
     * InstallSnapshot (Raft figure 13) for a log without a state machine: the leader compacted everything
     * through {@code prevLogIndex}, all of it committed, and this follower's position lies below that. If our
     * log holds that entry with that term (or it is committed here already), what follows it stays; otherwise
     * the whole log goes and continues after it. The log makes that durable before it returns, so the answer
     * acknowledges it at once.
     */
    private void handleSnapshot(Message m) {
        followSender(m);
        long last = m.prevLogIndex;
        boolean holds = last <= commitIndex
            || (last <= log.lastIndex() && last >= log.firstIndex() - 1
                && (!rules.snapshotTermCheck() || log.termAt(last) == m.prevLogTerm));
        if (!holds) {
            log.installSnapshot(last, m.prevLogTerm);
            durableIndex = last;
            commitIndex = last;
            output.committed(commitIndex);
        }
        if (last > verifiedIndex) {
            verifiedIndex = last;
        }
        followCommit(m.leaderCommit);
        sendAppendSuccess(m.from, Math.min(durableIndex, verifiedIndex));
    }

    /** A follower commits what the leader committed, as far as it verified its log matches the leader's. */
    private void followCommit(long leaderCommit) {
        long newCommit = Math.min(leaderCommit, verifiedIndex);
        if (newCommit > commitIndex) {
            commitIndex = newCommit;
            output.committed(commitIndex);
        }
    }

    /** The first index holding {@code t}, searching down from {@code from}; terms never decrease along a log. */
    private long firstIndexOfTerm(long t, long from) {
        long lo = log.firstIndex();
        long hi = from;
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            if (log.termAt(mid) < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void sendAppendSuccess(int to, long match) {
        startMessage(MessageType.APPEND_RESPONSE, to);
        out.success = true;
        out.matchIndex = match;
        if (match > ackedIndex) {
            ackedIndex = match;
        }
        output.send(out);
    }

    private void sendAppendReject(int to, long rejectedPrev, long conflictTerm, long conflictIndex) {
        startMessage(MessageType.APPEND_RESPONSE, to);
        out.success = false;
        out.matchIndex = rejectedPrev;
        out.conflictTerm = conflictTerm;
        out.conflictIndex = conflictIndex;
        output.send(out);
    }

    // --------------------------------------------------------------------------------- leader: append

    private void tickLeader() {
        electionElapsed++;
        heartbeatElapsed++;
        for (Progress pr : progress) {
            if (pr != null) {
                if (pr.outstanding()) {
                    pr.ticksWithoutProgress++;
                }
                if (pr.ticksSinceHeard < Integer.MAX_VALUE) {
                    pr.ticksSinceHeard++;
                }
            }
        }
        boolean electionTimeoutPassed = electionElapsed >= config.electionTicks();
        if (electionTimeoutPassed) {
            electionElapsed = 0;
        }
        if (config.checkQuorum() && electionTimeoutPassed) {
            int active = 1;
            for (Progress pr : progress) {
                if (pr != null) {
                    if (pr.recentActive) {
                        active++;
                    }
                    pr.recentActive = false;
                }
            }
            if (active < quorum) {
                // We may be the minority side of a partition: stop accepting appends that cannot commit.
                becomeFollower(term, 0);
                return;
            }
        }
        if (heartbeatElapsed >= config.heartbeatTicks()) {
            heartbeatElapsed = 0;
            for (Progress pr : progress) {
                if (pr != null) {
                    heartbeat(pr);
                }
            }
        }
    }

    private void heartbeat(Progress pr) {
        if (!pr.replicating) {
            // The probe (or its answer) may be lost: send it again; it doubles as the heartbeat.
            sendProbe(pr);
            return;
        }
        if (pr.ticksWithoutProgress >= config.electionTicks()) {
            // Entries outstanding and nothing acknowledged for an election timeout: a message was lost
            // (or the follower restarted, or its flushes are that slow), so the stream may have a hole.
            // Find the follower's position again; the probe at match is answered at once if nothing is wrong.
            pr.becomeProbe(pr.match + 1);
            sendProbe(pr);
            return;
        }
        if (pr.next < log.firstIndex()) {
            // The entries it needs next were compacted away while it was streaming: the snapshot sendWhileOpen
            // sends in the probe's place doubles as the heartbeat (an APPEND at the compacted prefix first would
            // only be rejected).
            sendWhileOpen(pr);
            return;
        }
        // prevLogIndex = the last index sent: a follower missing it lost the tail of the stream (nothing
        // after it would reveal the hole) and rejects at once, so the leader probes after one heartbeat
        // instead of a stall timeout. A follower holding it verifies everything sent in one step.
        sendAppendMessage(pr.peerId, pr.next - 1, 0);
        sendWhileOpen(pr);
    }

    /** REPLICATE: streams from {@code pr.next} while the window allows; PROBE: sends the probe if none is out. */
    private void sendWhileOpen(Progress pr) {
        if (!pr.replicating) {
            if (!pr.probeSent) {
                sendProbe(pr);
            }
            return;
        }
        if (pr.next < log.firstIndex()) {
            // The entries it needs were compacted away while it was streaming: it needs a snapshot.
            pr.becomeProbe(pr.next);
            sendProbe(pr);
            return;
        }
        while (!pr.inflights.full() && pr.next <= log.lastIndex()) {
            int count = log.countWithin(pr.next, config.maxEntriesPerAppend(), config.maxBytesPerAppend());
            if (count == 0) {
                return;
            }
            sendAppendMessage(pr.peerId, pr.next - 1, count);
            pr.next += count;
            pr.inflights.add(pr.next - 1);
        }
    }

    /**
     * PROBE: an EMPTY AppendEntries at {@code prev = next - 1}. It carries no entries on purpose: a follower
     * answers entries only once they are durable, but an empty append at once (a match with its durable,
     * verified index, or a rejection with the conflict hint). So the leader hears from a follower every
     * heartbeat however slow its flushes are (CheckQuorum stays satisfied), and entries are streamed only
     * after a probe matched ({@link #handleAppendResponse}).
     */
    private void sendProbe(Progress pr) {
        if (pr.next < log.firstIndex()) {
            // Compacted below the follower's position: the snapshot takes the probe's place. Its success
            // acknowledges firstIndex - 1, which covers the probe at next - 1 and starts the stream.
            pr.next = log.firstIndex();
            startMessage(MessageType.SNAPSHOT, pr.peerId);
            out.prevLogIndex = pr.next - 1;
            out.prevLogTerm = log.termAt(pr.next - 1);
            out.leaderCommit = commitIndex;
            output.send(out);
        } else {
            sendAppendMessage(pr.peerId, pr.next - 1, 0);
        }
        pr.probeSent = true;
    }

    private void sendAppendMessage(int to, long prevIndex, int count) {
        startMessage(MessageType.APPEND, to);
        out.prevLogIndex = prevIndex;
        out.prevLogTerm = log.termAt(prevIndex);
        out.leaderCommit = commitIndex;
        out.entryCount = count;
        output.send(out);
    }

    private void handleAppendResponse(Message m) {
        if (role != Role.LEADER) {
            return;
        }
        if (m.matchIndex > log.lastIndex()) {
            // A rejection names the prevLogIndex of an APPEND this leader sent in this term: never past its log.
            throw new IllegalArgumentException("APPEND_RESPONSE from " + m.from + (m.success ? " acknowledges" : " rejects")
                + " index " + m.matchIndex + " beyond the leader's last index " + log.lastIndex());
        }
        Progress pr = progressOf(m.from);
        pr.recentActive = true;
        pr.ticksSinceHeard = 0;
        if (m.success) {
            boolean progressed = pr.acknowledge(m.matchIndex);
            // A success means the follower's log matches ours up to m.matchIndex (durable and verified in this
            // term). Once that reaches the probe's prev, streaming from match + 1 cannot hit a conflict. One
            // below it (the follower holds the probed entries but has not flushed them yet) keeps probing:
            // its next flush reports more.
            if (!pr.replicating && pr.match >= pr.next - 1) {
                pr.becomeReplicate();
                progressed = true;
            }
            if (progressed) {
                maybeCommit();
                sendWhileOpen(pr);
            }
            return;
        }
        // A rejection names the prevLogIndex it refused: one for an index we already know matches, or
        // for a probe other than the outstanding one, is an old answer overtaken by events.
        long rejected = m.matchIndex;
        if (rejected <= pr.match || (!pr.replicating && rejected != pr.next - 1)) {
            return;
        }
        pr.becomeProbe(nextAfterRejection(pr, rejected, m.conflictTerm, m.conflictIndex));
        sendProbe(pr);
    }

    /**
     * Where to probe next after a rejection: skip the follower's whole conflicting term at once (thesis
     * 5.3's optimisation) instead of backing up one entry per round trip.
     */
    private long nextAfterRejection(Progress pr, long rejected, long conflictTerm, long conflictIndex) {
        long next;
        if (conflictTerm == 0) {
            next = conflictIndex; // the follower's log ends before the rejected index
        } else {
            long last = lastIndexWithTermAtMost(conflictTerm, rejected);
            next = log.termAt(last) == conflictTerm ? last + 1 : conflictIndex;
        }
        return Math.max(pr.match + 1, Math.min(next, rejected)); // below firstIndex: sendProbe sends a snapshot
    }

    /** The highest index at or below {@code upTo} whose term is at most {@code t} (terms never decrease). */
    private long lastIndexWithTermAtMost(long t, long upTo) {
        long lo = log.firstIndex() - 1;
        long hi = Math.min(upTo, log.lastIndex());
        while (lo < hi) {
            long mid = lo + (hi - lo + 1) / 2;
            if (log.termAt(mid) <= t) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Commit what a majority holds durably, but only by counting entries of our own term (5.4.2). */
    private void maybeCommit() {
        for (int i = 0; i < members.length; i++) {
            matchScratch[i] = progress[i] != null ? progress[i].match
                : rules.durableSelfCount() ? durableIndex : log.lastIndex();
        }
        Arrays.sort(matchScratch);
        long candidate = matchScratch[members.length - quorum];
        if (candidate > commitIndex && (!rules.currentTermCommit() || log.termAt(candidate) == term)) {
            commitIndex = candidate;
            output.committed(commitIndex);
        }
    }

    private void startMessage(MessageType type, int to) {
        out.clear();
        out.type = type;
        out.from = id;
        out.to = to;
        out.term = term;
    }

    @Override
    public String toString() {
        return "node " + id + " " + role + " term=" + term + " vote=" + votedFor + " leader=" + leaderId
            + " last=" + log.lastIndex() + " durable=" + durableIndex + " commit=" + commitIndex;
    }
}
