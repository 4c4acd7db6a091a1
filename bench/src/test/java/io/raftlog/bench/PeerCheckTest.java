package io.raftlog.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.raftlog.net.client.AppendCallback;
import org.agrona.DirectBuffer;

import org.junit.jupiter.api.Test;

/** PeerCheck counts what came back, acknowledged or failed, and gives up at its deadline. */
class PeerCheckTest {

    @Test
    void reportsEveryAcknowledgementAndEveryFailure() throws Exception {
        PeerCheck.Outcome outcome;
        try (FakeTarget target = new FakeTarget(index -> index % 10 == 0)) {
            outcome = PeerCheck.appendAll(target, 100, Duration.ofSeconds(30));
        }
        assertThat(outcome.failures()).hasSize(10).allMatch(e -> e.getMessage().contains("rejected"));
        assertThat(outcome.acknowledged()).hasSize(90).doesNotContain(10L, 20L, 100L);
    }

    @Test
    void returnsWhatCameBackWhenTheDeadlinePasses() throws Exception {
        AppendTarget silent = new AppendTarget() {
            @Override
            public void append(DirectBuffer payload, int offset, int length, AppendCallback callback) {
            }

            @Override
            public String path() {
                return "never answers";
            }

            @Override
            public void close() {
            }
        };
        PeerCheck.Outcome outcome = PeerCheck.appendAll(silent, 3, Duration.ofMillis(50));
        assertThat(outcome.acknowledged()).isEmpty();
        assertThat(outcome.failures()).isEmpty();
    }
}
