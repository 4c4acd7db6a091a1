package io.raftlog.raft;

/**
 * The two rules of Raft section 5.4 that keep committed entries safe. Production nodes always use
 * {@link #ENFORCED}; the only way to get another value is the package-private constructor, which the
 * mutation tests use to prove the simulator notices when a rule is broken.
 *
 * @param electionRestriction vote only for candidates whose log is at least as up to date (5.4.1)
 * @param currentTermCommit   commit by counting replicas only entries of the leader's own term (5.4.2)
 */
record SafetyRules(boolean electionRestriction, boolean currentTermCommit) {
    static final SafetyRules ENFORCED = new SafetyRules(true, true);
}
