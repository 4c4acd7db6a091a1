package io.raftlog.net.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    /**
     * "1=127.0.0.1:7001,2=127.0.0.1:7002 3=127.0.0.1:7003" made a cluster of two: the second entry's host was
     * "127.0.0.1:7002 3=127.0.0.1", taken for an IPv6 address because it holds a colon.
     */
    @Test
    void anEntryHoldingTwoAddressesOrAColonThatIsNoIpv6AddressIsRefused() {
        assertThatThrownBy(() -> ServerConfig.parseCluster("1=127.0.0.1:7001,2=127.0.0.1:7002 3=127.0.0.1:7003"))
            .hasMessage("bad address '127.0.0.1:7002 3=127.0.0.1:7003': expected HOST:PORT (separate nodes with commas)");
        assertThatThrownBy(() -> ServerConfig.parseHostPort("127.0.0.1:7001:7002"))
            .hasMessageContaining("a host with ':' must be an IPv6 address");
        assertThat(ServerConfig.parseHostPort("::1:7101").isUnresolved()).isFalse();
    }
}
