package io.raftlog.peers.jraft;

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
 * The peer group starts, is found by name, acknowledges every append once and stops again (the answers may
 * overtake each other on the client's side, so their order is not checked).
 */
class SofaJraftPeerTest {

    @ParameterizedTest(name = "durable {0}")
    @ValueSource(booleans = {false, true})
    void everyAppendIsAcknowledgedOnce(boolean durable) throws Exception {
        PeerCheck.Outcome outcome;
        try (AppendTarget target = PeerSystem.named("sofa-jraft").start(LoadSpec.of(Workload.W1, durable))) {
            assertThat(target.system()).isEqualTo("sofa-jraft");
            outcome = PeerCheck.appendAll(target, 500, Duration.ofSeconds(60));
        }
        assertThat(outcome.failures()).isEmpty();
        assertThat(outcome.acknowledged()).hasSize(500).doesNotHaveDuplicates().allMatch(i -> i >= 1 && i <= 500);
    }
}
