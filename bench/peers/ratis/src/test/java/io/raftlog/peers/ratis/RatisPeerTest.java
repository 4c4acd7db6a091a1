package io.raftlog.peers.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.raftlog.bench.AppendTarget;
import io.raftlog.bench.LoadSpec;
import io.raftlog.bench.PeerCheck;
import io.raftlog.bench.PeerSystem;
import io.raftlog.bench.Workload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The peer group starts, is found by name, acknowledges every append once and stops again. The indexes are Ratis's
 * log indexes, which also count the leader's own entries (its first entry of the term and, by default, entries that
 * record the commit index), so they are checked to be distinct, not to be 1 to 500; the answers may overtake each
 * other on the client's side, so their order is not checked either.
 */
class RatisPeerTest {

    @ParameterizedTest(name = "durable {0}")
    @ValueSource(booleans = {false, true})
    void everyAppendIsAcknowledgedOnce(boolean durable) throws Exception {
        PeerCheck.Outcome outcome;
        try (AppendTarget target = PeerSystem.named("ratis").start(LoadSpec.of(Workload.W1, durable))) {
            assertThat(target.system()).isEqualTo("ratis");
            outcome = PeerCheck.appendAll(target, 500, Duration.ofSeconds(60));
        }
        assertThat(outcome.failures()).isEmpty();
        assertThat(outcome.acknowledged()).hasSize(500).doesNotHaveDuplicates().allMatch(i -> i >= 1);
    }
}
