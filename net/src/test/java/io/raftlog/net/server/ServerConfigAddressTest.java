package io.raftlog.net.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

class ServerConfigAddressTest {

    @Test
    void ipAddressesAreKeptResolvedAndHostNamesAreLookedUpWhenUsed() {
        InetSocketAddress v4 = ServerConfig.parseHostPort("127.0.0.1:7101");
        assertThat(v4.isUnresolved()).isFalse();
        assertThat(v4.getPort()).isEqualTo(7101);
        assertThat(ServerConfig.parseHostPort("[::1]:7101").isUnresolved()).isFalse();
        // A name is looked up at every connection attempt (a peer whose name resolves only later is reached).
        InetSocketAddress name = ServerConfig.parseHostPort("localhost:7101");
        assertThat(name.isUnresolved()).isTrue();
        assertThat(name.getHostString()).isEqualTo("localhost");
    }
}
