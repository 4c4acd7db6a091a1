package io.raftlog.net.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class LoopbackPortsTest {
    @Test
    void portsAreDistinctAndBelowTheEphemeralRangeSoThatARestartedNodeFindsItsPortFree() {
        // An outgoing connection takes its local port from the ephemeral range: one made while a node was down
        // could hold the node's old port, and the restart would fail to bind it.
        // Only where there is room below the range (the default, 32768, leaves 12,000 ports to pick from).
        assumeTrue(LoopbackPorts.ephemeralRangeStart() > 4096, "ephemeral range starts too low on this host");
        int[] ports = LoopbackPorts.free(8);
        assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(8);
        assertThat(Arrays.stream(ports).boxed()).allMatch(p -> p >= 1024 && p < LoopbackPorts.ephemeralRangeStart());
    }
}
