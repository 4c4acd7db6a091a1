package io.raftlog.raft;

import io.raftlog.sim.NodeFactory;

/**
 * Nodes with one of Raft's safety rules switched off, for the mutation tests that prove the simulator
 * notices. Test code only: production code has no way to build such a node.
 */
public final class MutantNodes {

    /** Votes for any candidate, whatever its log (breaks Raft 5.4.1). */
    public static final NodeFactory WITHOUT_ELECTION_RESTRICTION =
        (config, log, hardState, output) -> new RaftNode(config, log, hardState, output, new SafetyRules(false, true, true));

    /** Commits an entry of an older term by counting its replicas (breaks Raft 5.4.2). */
    public static final NodeFactory WITHOUT_CURRENT_TERM_COMMIT_RULE =
        (config, log, hardState, output) -> new RaftNode(config, log, hardState, output, new SafetyRules(true, false, true));

    /** Keeps its log for a snapshot when it holds an entry at the snapshot's index, whatever its term. */
    public static final NodeFactory WITHOUT_SNAPSHOT_TERM_CHECK =
        (config, log, hardState, output) -> new RaftNode(config, log, hardState, output, new SafetyRules(true, true, false));

    private MutantNodes() {
    }
}
