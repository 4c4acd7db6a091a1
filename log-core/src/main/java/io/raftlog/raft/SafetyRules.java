package io.raftlog.raft;

/**
 * The rules that keep committed entries safe: the two of Raft section 5.4, the snapshot's term check, and the
 * three that tie acknowledgement to durability. Production nodes always use {@link #ENFORCED}; the other
 * values exist only for the mutation tests, which prove the simulator notices when a rule is broken (hence
 * package-private, reached from test code through MutantNodes).
 *
 * @param electionRestriction vote only for candidates whose log is at least as up to date (5.4.1)
 * @param currentTermCommit   commit by counting replicas only entries of the leader's own term (5.4.2)
 * @param snapshotTermCheck   keep the log for a snapshot only if it holds the snapshot's last entry in the
 *                            snapshot's term, not merely an entry at that index (figure 13, step 6)
 * @param durableAcks         a follower acknowledges only entries that are durable, not merely appended
 * @param durableSelfCount    a leader counts its own log towards a commit only up to its durable index
 * @param voteDurableFirst    a vote is handed to storage before the answer that grants it is sent
 */
record SafetyRules(boolean electionRestriction, boolean currentTermCommit, boolean snapshotTermCheck,
                   boolean durableAcks, boolean durableSelfCount, boolean voteDurableFirst) {
    static final SafetyRules ENFORCED = new SafetyRules(true, true, true, true, true, true);

    /** One rule, named for {@link #without}. */
    enum Rule { ELECTION_RESTRICTION, CURRENT_TERM_COMMIT, SNAPSHOT_TERM_CHECK, DURABLE_ACKS, DURABLE_SELF_COUNT, VOTE_DURABLE_FIRST }

    /** Every rule but {@code off}: a mutant for the mutation tests. */
    static SafetyRules without(Rule off) {
        return new SafetyRules(off != Rule.ELECTION_RESTRICTION, off != Rule.CURRENT_TERM_COMMIT,
            off != Rule.SNAPSHOT_TERM_CHECK, off != Rule.DURABLE_ACKS, off != Rule.DURABLE_SELF_COUNT,
            off != Rule.VOTE_DURABLE_FIRST);
    }
}
