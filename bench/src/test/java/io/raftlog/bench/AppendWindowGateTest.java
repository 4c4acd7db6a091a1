package io.raftlog.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class AppendWindowGateTest {

    @Test
    void aFullWindowHoldsTheSenderUntilAnAppendCompletes() throws Exception {
        AppendWindowGate gate = new AppendWindowGate(4);
        for (int i = 0; i < 4; i++) {
            gate.acquire();
        }
        CompletableFuture<Void> fifth = CompletableFuture.runAsync(gate::acquire);
        assertThat(gate.awaitEmpty(TimeUnit.MILLISECONDS.toNanos(20))).isFalse();
        assertThat(fifth).isNotDone();

        gate.onAppended(1, 1);

        fifth.get(10, TimeUnit.SECONDS);
        gate.onFailed(2, new IllegalStateException("boom"));
        gate.onAppended(3, 3);
        gate.onAppended(4, 4);
        assertThat(gate.awaitEmpty(TimeUnit.MILLISECONDS.toNanos(20))).isFalse(); // the fifth is still out
        gate.onAppended(5, 5);
        assertThat(gate.awaitEmpty(TimeUnit.SECONDS.toNanos(10))).isTrue();
        assertThat(gate.failures()).isEqualTo(1);
        assertThat(gate.firstFailure()).hasMessage("boom");
    }
}
