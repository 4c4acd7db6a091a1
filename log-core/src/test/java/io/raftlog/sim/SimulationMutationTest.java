package io.raftlog.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlog.raft.MutantNodes;
import org.junit.jupiter.api.Test;

/**
 * The simulator finds real bugs: with one of Raft's safety rules switched off, a small search over seeds
 * hits a violation. (Without these, a sweep that reports nothing would prove nothing.)
 */
class SimulationMutationTest {

    /**
     * Seeds searched per mutant. The election restriction falls within a few seeds; the current-term
     * commit rule (Figure 8 of the Raft paper needs a particular dance of leaders) within a few hundred.
     */
    private static final int SEARCH = 1000;

    private static SimResult firstViolation(int nodes, NodeFactory mutant) {
        SimOptions options = SimOptions.of(nodes, 2000).withFactory(mutant);
        for (long seed = 0; seed < SEARCH; seed++) {
            SimResult r = Simulation.run(seed, options);
            if (!r.ok()) {
                return r;
            }
        }
        return null;
    }

    @Test
    void disablingTheElectionRestrictionIsCaught() {
        assertCaught("election restriction off", MutantNodes.WITHOUT_ELECTION_RESTRICTION, "Leader Completeness");
    }

    @Test
    void disablingTheCurrentTermCommitRuleIsCaught() {
        assertCaught("current-term commit rule off", MutantNodes.WITHOUT_CURRENT_TERM_COMMIT_RULE, "can be lost");
    }

    @Test
    void disablingTheSnapshotTermCheckIsCaught() {
        assertCaught("snapshot term check off", MutantNodes.WITHOUT_SNAPSHOT_TERM_CHECK, "State Machine Safety");
    }

    @Test
    void aFollowerAcknowledgingEntriesBeforeTheyAreDurableIsCaught() {
        assertCaught("durable acknowledgements off", MutantNodes.WITHOUT_DURABLE_ACKS, "durable");
    }

    @Test
    void aLeaderCountingItsUnforcedLogTowardsACommitIsCaught() {
        assertCaught("durable self-count off", MutantNodes.WITHOUT_DURABLE_SELF_COUNT, "Durable Majority");
    }

    @Test
    void aVoteGrantedBeforeItIsPersistedIsCaught() {
        assertCaught("durable vote off", MutantNodes.WITHOUT_DURABLE_VOTE, "before persisting it");
    }

    /**
     * A search over seeds finds a violation of the mutant, of the property the mutation breaks (not just any
     * failure, such as a liveness timeout), and its report replays.
     */
    private static void assertCaught(String mutation, NodeFactory mutant, String expectedProperty) {
        SimResult r = firstViolation(3, mutant);
        assertThat(r).as("a violation within " + SEARCH + " seeds").isNotNull();
        System.out.println(mutation + ": " + r.violation().getMessage());
        assertThat(r.violation().getMessage()).as(mutation).contains(expectedProperty);
        assertReplays(r, mutant);
    }

    /** The report names the seed and how to replay it, shows the last events, and the replay fails alike. */
    private static void assertReplays(SimResult failed, NodeFactory mutant) {
        SimResult traced = Sweep.withTrace(failed, SimOptions.of(failed.nodes(), 2000).withFactory(mutant));
        assertThat(traced.violation().getMessage()).isEqualTo(failed.violation().getMessage());
        assertThat(traced.traceHash()).isEqualTo(failed.traceHash());
        String report = traced.report();
        assertThat(report).contains("seed " + failed.seed(), "--seed-start " + failed.seed());
        // The last TRACE_LINES events, or all of them when the violation came sooner (a vote in the first steps).
        long events = report.lines().filter(l -> l.startsWith("    ")).count();
        assertThat(events).isBetween(1L, (long) Sweep.TRACE_LINES);
        assertThat(report).contains("last " + events + " events");
    }
}
