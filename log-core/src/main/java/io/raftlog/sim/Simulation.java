package io.raftlog.sim;

import java.util.SplittableRandom;

import io.raftlog.raft.EntryType;
import io.raftlog.raft.MemoryLogSlice;
import io.raftlog.raft.Message;
import io.raftlog.raft.MessageType;
import io.raftlog.raft.RaftConfig;
import io.raftlog.raft.RaftNode;
import io.raftlog.raft.Role;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One deterministic run of a cluster under faults, from one seed. Every random choice (network, faults,
 * clients, each node's election timer seed, even the fault rates and the nodes' settings) comes from one
 * {@link SplittableRandom}, and nothing else varies, so a seed replays exactly.
 *
 * <p>A step is one tick of simulated time: apply faults, deliver the messages that are due, tick every live
 * node, let clients propose (to any node, dead ones included), let some nodes flush their log and report it,
 * then check the invariants. After {@code faultSteps} the faults stop and the cluster must commit a new
 * proposal within {@code livenessSteps}.
 */
public final class Simulation {

    private static final int PAYLOAD_MAX = 40;
    /**
     * Clients stop sending to a leader with this many uncommitted entries, as real producers keep a bounded
     * window: without it the slowest settings (one entry per message, one message in flight) fall behind
     * for good and no liveness bound can hold.
     */
    private static final int MAX_UNCOMMITTED = 32;

    private final long seed;
    private final SimOptions options;
    private final SplittableRandom rng;
    private final SimNode[] nodes;
    private final int[] memberIds;
    private final SimNetwork network;
    private final Invariants invariants;
    private final Trace trace;
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD_MAX]);

    // Drawn per seed, so a sweep covers many shapes of network and cluster.
    private final double crashRate;
    private final int maxDowntime;
    private final double partitionRate;
    private final int maxPartitionLength;
    private final double syncRate;
    private final double proposeRate;
    /** Per node and step: the chance that it compacts its log up to (near) its commit index. */
    private final double compactRate;
    private final double partialCrashRate;
    private final RaftConfig baseConfig;

    private long step;
    private long nextProposalId = 1;
    private long firstQuietProposal = Long.MAX_VALUE;
    private long healAt = -1;
    private final long[] restartAt;
    private long crashes;
    private long partialCrashes;
    private long partitions;
    private long snapshotsSent;

    private Simulation(long seed, SimOptions options) {
        this.seed = seed;
        this.options = options;
        this.rng = new SplittableRandom(seed);
        int n = options.nodes();
        this.nodes = new SimNode[n];
        this.memberIds = new int[n];
        this.network = new SimNetwork(n);
        this.invariants = new Invariants(seed, nodes);
        this.trace = new Trace(options.traceLines());
        this.restartAt = new long[n];

        network.lossRate = rng.nextDouble() < 0.2 ? 0 : rng.nextDouble() * 0.15;
        network.duplicateRate = rng.nextDouble() * 0.05;
        network.maxDelay = 1 + rng.nextInt(4);
        network.stragglerRate = rng.nextBoolean() ? 0 : rng.nextDouble() * 0.01;
        // Half the seeds' crashes keep part of what was not forced, most often none of it.
        partialCrashRate = rng.nextBoolean() ? 0 : rng.nextDouble();
        crashRate = rng.nextDouble() < 0.2 ? 0 : rng.nextDouble() * 0.02;
        maxDowntime = 5 + rng.nextInt(60);
        partitionRate = rng.nextDouble() < 0.2 ? 0 : rng.nextDouble() * 0.02;
        maxPartitionLength = 10 + rng.nextInt(100);
        syncRate = 0.2 + rng.nextDouble() * 0.8;
        proposeRate = 0.1 + rng.nextDouble() * 0.9;
        // Half the seeds compact, some often enough that nodes back from a crash or a partition need snapshots.
        compactRate = rng.nextBoolean() ? 0 : rng.nextDouble() * 0.05;

        for (int i = 0; i < n; i++) {
            memberIds[i] = i + 1;
        }
        int electionTicks = 10;
        // Small messages half the time: a new leader's old entries then travel apart from its no-op.
        int maxEntries = rng.nextBoolean() ? 1 + rng.nextInt(2) : 1 + rng.nextInt(16);
        baseConfig = new RaftConfig(1, memberIds, electionTicks, 1 + rng.nextInt(3), 1 + rng.nextInt(8),
            maxEntries, 8 + rng.nextInt(120), rng.nextBoolean(), rng.nextBoolean(), 0);
        for (int i = 0; i < n; i++) {
            nodes[i] = new SimNode(i + 1, this, invariants);
        }
        for (SimNode node : nodes) {
            start(node);
        }
    }

    /** Runs one seed; a violation comes back in the result (never thrown), with a trace if asked for. */
    public static SimResult run(long seed, SimOptions options) {
        Simulation sim = new Simulation(seed, options);
        InvariantViolation violation = null;
        try {
            sim.runSteps();
        } catch (InvariantViolation v) {
            violation = v;
        } catch (RuntimeException e) {
            violation = new InvariantViolation(seed, sim.step, "a node threw " + e);
            violation.initCause(e);
        }
        return new SimResult(seed, options.nodes(), options.faultSteps(), sim.step, sim.faults(), sim.invariants.committedCount(),
            sim.invariants.acknowledgedCount(), sim.network.sent, sim.trace.hash(), violation, sim.trace.lines());
    }

    private FaultCounts faults() {
        return new FaultCounts(crashes, partialCrashes, partitions, network.dropped, network.duplicated,
            network.straggled, snapshotsSent);
    }

    private void runSteps() {
        long end = (long) options.faultSteps() + options.livenessSteps();
        for (step = 0; step < end; step++) {
            invariants.step = step;
            if (step < options.faultSteps()) {
                injectFaults();
            } else if (step == options.faultSteps()) {
                stopFaults();
            }
            deliver();
            for (SimNode node : nodes) {
                if (node.alive()) {
                    node.raft.tick();
                }
            }
            propose();
            flush();
            compact();
            invariants.afterStep();
            if (step > options.faultSteps() && livenessReached()) {
                finish();
                return;
            }
        }
        throw invariants.violation("liveness: no proposal made after the faults stopped (step " + options.faultSteps()
            + ") committed within " + options.livenessSteps() + " steps; nodes: " + java.util.Arrays.toString(nodes));
    }

    private boolean livenessReached() {
        for (long id = firstQuietProposal; id < nextProposalId; id++) {
            if (invariants.acknowledged(id)) {
                return true;
            }
        }
        return false;
    }

    private void finish() {
        SimNode reference = null;
        for (SimNode node : nodes) {
            if (node.alive() && (reference == null || node.raft.commitIndex() > reference.raft.commitIndex())) {
                reference = node;
            }
        }
        invariants.checkAcknowledgedPresent(reference);
        trace.line(step, "liveness reached; " + invariants.committedCount() + " committed");
    }

    // ----------------------------------------------------------------------------------------- faults

    private void injectFaults() {
        for (int i = 0; i < nodes.length; i++) {
            SimNode node = nodes[i];
            if (!node.alive() && step >= restartAt[i]) {
                start(node);
            }
        }
        if (crashRate > 0 && rng.nextDouble() < crashRate) {
            // Half the crashes hit a leader: leader changes right after commits are where Raft is subtle.
            SimNode victim = nodes[rng.nextInt(nodes.length)];
            if (rng.nextBoolean()) {
                for (SimNode node : nodes) {
                    if (node.leads()) {
                        victim = node;
                    }
                }
            }
            if (victim.alive()) {
                crash(victim);
                restartAt[victim.id - 1] = step + 1 + rng.nextInt(maxDowntime);
            }
        }
        if (healAt >= 0 && step >= healAt) {
            network.healAll();
            healAt = -1;
            trace.mix(step * 31 + 7);
            trace.line(step, "partition healed");
        }
        if (healAt < 0 && partitionRate > 0 && rng.nextDouble() < partitionRate && nodes.length > 1) {
            partition();
            healAt = step + 1 + rng.nextInt(maxPartitionLength);
        }
    }

    private void partition() {
        partitions++;
        StringBuilder what = trace.readable() ? new StringBuilder() : null;
        if (rng.nextBoolean()) {
            // Symmetric: a random side is cut off from the rest, both directions.
            boolean[] side = new boolean[nodes.length + 1];
            for (int id = 1; id <= nodes.length; id++) {
                side[id] = rng.nextBoolean();
            }
            for (int a = 1; a <= nodes.length; a++) {
                for (int b = 1; b <= nodes.length; b++) {
                    if (side[a] != side[b]) {
                        network.cut(a, b);
                    }
                }
            }
            if (what != null) {
                what.append("symmetric partition, side A:");
                for (int id = 1; id <= nodes.length; id++) {
                    if (side[id]) {
                        what.append(' ').append(id);
                    }
                }
            }
        } else {
            // Asymmetric: some links fail in one direction only.
            int links = 1 + rng.nextInt(nodes.length * 2);
            if (what != null) {
                what.append("one-way cuts:");
            }
            for (int k = 0; k < links; k++) {
                int a = 1 + rng.nextInt(nodes.length);
                int b = 1 + rng.nextInt(nodes.length);
                if (a != b) {
                    network.cut(a, b);
                    if (what != null) {
                        what.append(' ').append(a).append("->").append(b);
                    }
                }
            }
        }
        trace.mix(step * 31 + 5);
        if (what != null) {
            trace.line(step, what.toString());
        }
    }

    private void crash(SimNode node) {
        crashes++;
        node.raft = null;
        long unforced = node.storage.lastIndex() - node.storage.durableIndex();
        long kept = node.storage.crash(unforced > 0 && rng.nextDouble() < partialCrashRate ? 1 + rng.nextLong(unforced) : 0);
        if (kept > 0) {
            partialCrashes++;
        }
        node.pending.clear();
        trace.mix(step * 31 + node.id);
        trace.line(step, "crash node " + node.id + " (log survives up to " + node.storage.lastIndex() + ")");
    }

    private void start(SimNode node) {
        long recovered = node.storage.lastIndex();
        if (recovered < node.lastDurable && !node.truncated) {
            throw invariants.violation("node " + node.id + " had " + node.lastDurable + " durable but recovered only "
                + recovered + " entries");
        }
        node.incarnation++;
        node.checkedCommit = 0;
        node.truncated = false;
        node.flushReportAt = -1;
        RaftConfig config = baseConfig.withSeed(rng.nextLong());
        config = new RaftConfig(node.id, memberIds, config.electionTicks(), config.heartbeatTicks(), config.maxInflight(),
            config.maxEntriesPerAppend(), config.maxBytesPerAppend(), config.preVote(), config.checkQuorum(), config.seed());
        node.raft = options.factory().create(config, node.log, node.hardState, node);
        node.lastDurable = node.raft.durableIndex();
        trace.mix(step * 31 + 17 + node.id);
        if (step > 0 || trace.readable()) {
            trace.line(step, "start node " + node.id + " #" + node.incarnation + " term=" + node.hardState.term()
                + " vote=" + node.hardState.votedFor() + " log=" + recovered);
        }
    }

    private void stopFaults() {
        network.healAll();
        healAt = -1;
        network.lossRate = 0;
        network.duplicateRate = 0;
        for (SimNode node : nodes) {
            if (!node.alive()) {
                start(node);
            }
        }
        firstQuietProposal = nextProposalId;
        trace.line(step, "faults stop: network healed, every node up");
    }

    // -------------------------------------------------------------------------------- network, clients

    private void deliver() {
        SimNetwork.Envelope e;
        while ((e = network.nextDue(step)) != null) {
            Message m = e.message();
            SimNode to = nodes[m.to - 1];
            boolean lost = !to.alive() || network.isCut(m.from, m.to);
            trace.mix(((long) m.type.ordinal() << 40) ^ ((long) m.from << 32) ^ ((long) m.to << 24) ^ m.term);
            trace.mix(m.prevLogIndex * 7 + m.matchIndex * 13 + m.entryCount + (m.success || m.granted ? 1 : 0));
            if (trace.readable()) {
                trace.line(step, (lost ? "drop " : "deliver ") + m);
            }
            if (lost) {
                continue;
            }
            m.entries = e.entries();
            to.raft.step(m);
        }
    }

    private void propose() {
        // After the faults stop, clients slow down so that even the slowest settings drain their backlog
        // well within the liveness bound.
        double rate = step < options.faultSteps() ? proposeRate : 0.05;
        if (rng.nextDouble() >= rate) {
            return;
        }
        // Half the time the client follows a leader hint (any node that thinks it leads, stale ones
        // included), otherwise it picks any node, dead ones too.
        SimNode node = nodes[rng.nextInt(nodes.length)];
        if (rng.nextBoolean()) {
            int start = rng.nextInt(nodes.length);
            for (int k = 0; k < nodes.length; k++) {
                SimNode candidate = nodes[(start + k) % nodes.length];
                if (candidate.leads()) {
                    node = candidate;
                    break;
                }
            }
        }
        int batch = 1 + rng.nextInt(4);
        if (node.alive() && !node.leads() && node.raft.leaderId() != 0 && nodes[node.raft.leaderId() - 1].leads()) {
            // A live follower answers NOT_LEADER naming the leader it follows, and a client sends the append
            // there, as LogClient does. Without it, after the faults stop a run of proposals that all land on
            // followers (about 0.4 of them do) could leave the liveness bound unmet by chance alone.
            if (trace.readable()) {
                trace.line(step, "node " + node.id + " redirects the client to node " + node.raft.leaderId());
            }
            node = nodes[node.raft.leaderId() - 1];
        }
        if (node.leads() && node.raft.lastIndex() - node.raft.commitIndex() > MAX_UNCOMMITTED) {
            trace.line(step, "node " + node.id + " has " + MAX_UNCOMMITTED + " uncommitted: client backs off");
            return;
        }
        for (int k = 0; k < batch; k++) {
            long id = nextProposalId++;
            int length = Long.BYTES + rng.nextInt(PAYLOAD_MAX - Long.BYTES + 1);
            payload.putLong(0, id);
            long index = node.alive() ? node.raft.propose(EntryType.DATA, payload, 0, length) : -1;
            trace.mix(id * 31 + index);
            if (index > 0) {
                node.pending.addLast(new long[] {index, id, invariants.highestAcknowledgedIndex()});
            }
            if (trace.readable()) {
                trace.line(step, "propose " + id + " to node " + node.id + (index > 0 ? " -> index " + index : " (refused)"));
            }
        }
        if (node.alive()) {
            node.raft.replicate();
        }
    }

    /**
     * Some nodes flush. As with a real journal, the node hears about a flush a little later (the fsync
     * runs beside the Raft thread), by which time more entries may have been appended or the flushed
     * ones replaced: so acknowledgements often cover only a prefix of what a follower has received.
     */
    private void flush() {
        for (SimNode node : nodes) {
            if (!node.alive()) {
                continue;
            }
            if (node.flushReportAt >= 0 && step >= node.flushReportAt) {
                node.flushReportAt = -1;
                node.raft.persisted(node.flushedIndex, node.flushedTerm);
            }
            if (node.flushReportAt < 0 && rng.nextDouble() < syncRate) {
                long last = node.storage.sync();
                if (last >= node.storage.firstIndex()) {
                    node.flushedIndex = last;
                    node.flushedTerm = node.storage.termAt(last);
                    node.flushReportAt = step + rng.nextInt(3);
                    if (node.flushReportAt == step) {
                        node.flushReportAt = -1;
                        node.raft.persisted(node.flushedIndex, node.flushedTerm);
                    }
                }
            }
        }
    }

    /** Some nodes drop committed entries, as a server's retention does (only committed ones: its rule). */
    private void compact() {
        if (compactRate == 0) {
            return;
        }
        for (SimNode node : nodes) {
            if (node.alive() && rng.nextDouble() < compactRate) {
                long before = node.raft.commitIndex() + 1 - rng.nextInt(4);
                if (before > node.storage.firstIndex()) {
                    node.storage.compactBefore(before);
                    trace.mix(step * 31 + 11 + before);
                    if (trace.readable()) {
                        trace.line(step, "node " + node.id + " compacts before " + node.storage.firstIndex());
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------------- callbacks of the nodes

    void onPersistHardState(SimNode node, long term, int votedFor) {
        if (term < node.hardState.term()) {
            throw invariants.violation("node " + node.id + " persists term " + term + " below its term " + node.hardState.term());
        }
        if (term == node.hardState.term() && node.hardState.votedFor() != 0 && votedFor != node.hardState.votedFor()) {
            throw invariants.violation("node " + node.id + " changes its vote in term " + term + " from "
                + node.hardState.votedFor() + " to " + votedFor);
        }
    }

    void onSend(SimNode from, Message m) {
        if (m.from != from.id || m.to < 1 || m.to > nodes.length || m.to == from.id) {
            throw invariants.violation("node " + from.id + " sends a misaddressed message: " + m);
        }
        if (m.type == MessageType.VOTE_RESPONSE && m.granted
            && (from.hardState.term() != m.term || from.hardState.votedFor() != m.to)) {
            throw invariants.violation("node " + from.id + " grants its vote in term " + m.term + " to " + m.to
                + " before persisting it (hard state " + from.hardState + ")");
        }
        if (m.term > from.hardState.term() && m.type != MessageType.PRE_VOTE && m.type != MessageType.PRE_VOTE_RESPONSE) {
            throw invariants.violation("node " + from.id + " sends term " + m.term + " before persisting it: " + m);
        }
        if (m.type == MessageType.SNAPSHOT) {
            snapshotsSent++;
        }
        if (m.type == MessageType.APPEND_RESPONSE && m.success) {
            invariants.onAcknowledgementSent(from, m.to, m.term, m.matchIndex);
        }
        MemoryLogSlice entries = m.type == MessageType.APPEND && m.entryCount > 0
            ? new MemoryLogSlice(from.storage, m.prevLogIndex + 1, m.entryCount)
            : null;
        network.send(step, m, entries, rng);
    }

    void onCommitted(SimNode node, long commitIndex) {
        trace.mix(commitIndex * 131 + node.id);
        if (trace.readable()) {
            trace.line(step, "node " + node.id + " commits " + commitIndex);
        }
        invariants.onCommitted(node, commitIndex);
    }

    void onRoleChanged(SimNode node, Role role, long term, int leaderId) {
        trace.mix(((long) role.ordinal() << 48) ^ (term << 8) ^ leaderId);
        if (trace.readable()) {
            trace.line(step, "node " + node.id + " is " + role + " in term " + term + (leaderId != 0 ? " leader " + leaderId : ""));
        }
        if (role != Role.LEADER) {
            node.pending.clear();
        } else {
            invariants.onLeader(node, term);
        }
    }

    RaftNode node(int id) {
        return nodes[id - 1].raft;
    }
}
