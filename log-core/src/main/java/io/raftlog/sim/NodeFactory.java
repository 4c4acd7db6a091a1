package io.raftlog.sim;

import io.raftlog.raft.HardState;
import io.raftlog.raft.RaftConfig;
import io.raftlog.raft.RaftLog;
import io.raftlog.raft.RaftNode;
import io.raftlog.raft.RaftOutput;

/** How the simulator builds a node (at start and on every restart): the real core, or a test's mutant. */
@FunctionalInterface
public interface NodeFactory {
    NodeFactory STANDARD = RaftNode::new;

    RaftNode create(RaftConfig config, RaftLog log, HardState hardState, RaftOutput output);
}
