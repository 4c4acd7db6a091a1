package io.raftlog.peers.aeron;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.raftlog.bench.AppendTarget;
import io.raftlog.bench.LoadSpec;
import io.raftlog.bench.PeerCheck;
import io.raftlog.bench.PeerSystem;
import io.raftlog.bench.Workload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The peer cluster starts, is found by name, commits appends in order and stops again. */
class AeronClusterPeerTest {

    @ParameterizedTest(name = "durable {0}")
    @ValueSource(booleans = {false, true})
    void everyAppendIsAcknowledgedInOrderOnce(boolean durable) throws Exception {
        PeerCheck.Outcome outcome;
        try (AppendTarget target = PeerSystem.named("aeron-cluster").start(LoadSpec.of(Workload.W1, durable))) {
            assertThat(target.system()).isEqualTo("aeron-cluster");
            outcome = PeerCheck.appendAll(target, 500, Duration.ofSeconds(60));
        }
        assertThat(outcome.failures()).isEmpty();
        assertThat(outcome.acknowledged()).hasSize(500).isSorted().doesNotHaveDuplicates();
    }
}
