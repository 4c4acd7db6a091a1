package io.raftlog.raft;

/**
 * The rules that keep committed entries safe: the two of Raft section 5.4, and the snapshot's term check. Production nodes always use
 * {@link #ENFORCED}; the only way to get another value is the package-private constructor, which the
 * mutation tests use to prove the simulator notices when a rule is broken.
 *
 * @param electionRestriction vote only for candidates whose log is at least as up to date (5.4.1)
 * @param currentTermCommit   commit by counting replicas only entries of the leader's own term (5.4.2)
 * @param snapshotTermCheck   keep the log for a snapshot only if it holds the snapshot's last entry in the
 *                            snapshot's term, not merely an entry at that index (figure 13, step 6)
 */
record SafetyRules(boolean electionRestriction, boolean currentTermCommit, boolean snapshotTermCheck) {
    static final SafetyRules ENFORCED = new SafetyRules(true, true, true);
}
