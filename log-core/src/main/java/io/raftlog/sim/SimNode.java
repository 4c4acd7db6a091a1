package io.raftlog.sim;

import java.util.ArrayDeque;

import io.raftlog.raft.HardState;
import io.raftlog.raft.MemoryRaftLog;
import io.raftlog.raft.Message;
import io.raftlog.raft.RaftNode;
import io.raftlog.raft.RaftOutput;
import io.raftlog.raft.Role;

/**
 * One simulated machine: storage and hard state that survive crashes, and the current incarnation of the
 * Raft node (null while the machine is down). Its outputs go straight to the simulation.
 */
final class SimNode implements RaftOutput {
    final int id;
    final MemoryRaftLog storage = new MemoryRaftLog();
    final CheckedLog log;
    private final Simulation sim;

    HardState hardState = HardState.INITIAL;
    RaftNode raft;
    int incarnation;

    /** Up to here this incarnation's commits were checked against the cluster's committed entries. */
    long checkedCommit;
    /** The node's durable index after the previous step, and whether it truncated its log since. */
    long lastDurable;
    boolean truncated;
    /** A flush up to (flushedIndex, flushedTerm) that the node hears about at step flushReportAt (-1: none). */
    long flushReportAt = -1;
    long flushedIndex;
    long flushedTerm;
    /**
     * Leader only: {index, proposal id, highest index acknowledged when it was proposed} of client proposals not
     * yet known committed, in index order.
     */
    final ArrayDeque<long[]> pending = new ArrayDeque<>();

    SimNode(int id, Simulation sim, Invariants invariants) {
        this.id = id;
        this.sim = sim;
        this.log = new CheckedLog(this, storage, invariants);
    }

    boolean alive() {
        return raft != null;
    }

    boolean leads() {
        return raft != null && raft.role() == Role.LEADER;
    }

    @Override
    public void persistHardState(long term, int votedFor) {
        sim.onPersistHardState(this, term, votedFor);
        hardState = new HardState(term, votedFor);
    }

    @Override
    public void send(Message message) {
        sim.onSend(this, message);
    }

    @Override
    public void committed(long commitIndex) {
        sim.onCommitted(this, commitIndex);
    }

    @Override
    public void roleChanged(Role role, long term, int leaderId) {
        sim.onRoleChanged(this, role, term, leaderId);
    }

    @Override
    public String toString() {
        return raft == null ? "node " + id + " down (log " + storage.lastIndex() + ")" : raft.toString();
    }
}
