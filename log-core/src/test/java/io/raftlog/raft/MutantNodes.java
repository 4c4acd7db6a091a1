package io.raftlog.raft;

import io.raftlog.raft.SafetyRules.Rule;
import io.raftlog.sim.NodeFactory;

/**
 * Nodes with one of Raft's safety rules switched off, for the mutation tests that prove the simulator
 * notices. Test code only: production code has no way to build such a node.
 */
public final class MutantNodes {

    /** Votes for any candidate, whatever its log (breaks Raft 5.4.1). */
    public static final NodeFactory WITHOUT_ELECTION_RESTRICTION = with(SafetyRules.without(Rule.ELECTION_RESTRICTION));

    /** Commits an entry of an older term by counting its replicas (breaks Raft 5.4.2). */
    public static final NodeFactory WITHOUT_CURRENT_TERM_COMMIT_RULE = with(SafetyRules.without(Rule.CURRENT_TERM_COMMIT));

    /** Keeps its log for a snapshot when it holds an entry at the snapshot's index, whatever its term. */
    public static final NodeFactory WITHOUT_SNAPSHOT_TERM_CHECK = with(SafetyRules.without(Rule.SNAPSHOT_TERM_CHECK));

    /** A follower acknowledges entries as soon as it appended them, before they are durable. */
    public static final NodeFactory WITHOUT_DURABLE_ACKS = with(SafetyRules.without(Rule.DURABLE_ACKS));

    /** A leader counts its whole log towards a commit, durable or not. */
    public static final NodeFactory WITHOUT_DURABLE_SELF_COUNT = with(SafetyRules.without(Rule.DURABLE_SELF_COUNT));

    /** Grants a vote without handing it to storage first (a restart can then vote twice in one term). */
    public static final NodeFactory WITHOUT_DURABLE_VOTE = with(SafetyRules.without(Rule.VOTE_DURABLE_FIRST));

    private static NodeFactory with(SafetyRules rules) {
        return (config, log, hardState, output) -> new RaftNode(config, log, hardState, output, rules);
    }

    private MutantNodes() {
    }
}
