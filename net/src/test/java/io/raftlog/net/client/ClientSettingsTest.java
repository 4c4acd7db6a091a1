package io.raftlog.net.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The keep-alive each side of the client uses, from the settings it was built with. */
class ClientSettingsTest {

    private static ClientSettings settings(Duration timeout, Duration requestTimeout, Duration keepAlive) {
        return new ClientSettings(List.of(NodeAddress.parse("127.0.0.1:7001")), 0, 1, 16, timeout, requestTimeout,
            Duration.ofSeconds(2), keepAlive, 1 << 20, 64 * 1024, 256 * 1024);
    }

    @Test
    void theKeepAliveIsAtMostAThirdOfTheRequestTimeoutAndForAppendsOfTheTimeout() {
        ClientSettings defaults = settings(Duration.ofSeconds(30), Duration.ofSeconds(3), Duration.ofMillis(500));
        assertThat(defaults.pingAfterMillis()).isEqualTo(500);
        assertThat(defaults.appendPingAfterMillis()).isEqualTo(500);

        ClientSettings shortRequests = settings(Duration.ofSeconds(30), Duration.ofMillis(900), Duration.ofMillis(500));
        assertThat(shortRequests.pingAfterMillis()).isEqualTo(300);
        assertThat(shortRequests.appendPingAfterMillis()).isEqualTo(300);

        // Appends of 300 ms must be pinged for before they expire; a tail, always awaiting, keeps its keep-alive.
        ClientSettings shortAppends = settings(Duration.ofMillis(300), Duration.ofSeconds(3), Duration.ofMillis(500));
        assertThat(shortAppends.appendPingAfterMillis()).isEqualTo(100);
        assertThat(shortAppends.pingAfterMillis()).isEqualTo(500);

        ClientSettings tiny = settings(Duration.ofMillis(3), Duration.ofMillis(3), Duration.ofMillis(1));
        assertThat(tiny.appendPingAfterMillis()).isEqualTo(ClientSettings.MIN_PING_AFTER_MILLIS);
        assertThat(ClientSettings.handshakeTimeoutMillis(2000, 500)).isEqualTo(1000);
        assertThat(ClientSettings.handshakeTimeoutMillis(300, 500)).isEqualTo(300);
    }
}
