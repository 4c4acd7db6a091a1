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

    @Test
    void aDottedQuadThatIsNoAddressIsANameNotALookupAtParsing() {
        // Taken for an IP address, InetSocketAddress looked 300.1.1.1 up by DNS where it was parsed: on a transport
        // thread checking a peer's advertised address.
        assertThat(ServerConfig.parseHostPort("300.1.1.1:7001").isUnresolved()).isTrue();
        assertThat(ServerConfig.parseHostPort("255.1.1.1:7001").isUnresolved()).isFalse();
    }

    @Test
    void aHostWithAColonThatCannotBeAnIpv6LiteralIsRefusedWithoutALookup() {
        // ".::1" has only hex digits, colons and dots, but the JDK takes text not starting with a hex digit or ':'
        // for a name and asks the resolver: it is refused before that.
        assertThat(io.raftlog.net.client.NodeAddress.whyNotAHost(".::1")).contains("must be an IPv6 address");
        assertThat(io.raftlog.net.client.NodeAddress.whyNotAHost("::1")).isNull();
    }

    @Test
    void anIpv6AddressIsWrittenInBracketsAndReadBack() {
        InetSocketAddress a = ServerConfig.parseHostPort("[::1]:7001");
        String text = ServerConfig.hostPort(a);
        assertThat(text).startsWith("[").endsWith("]:7001");
        assertThat(ServerConfig.parseHostPort(text)).isEqualTo(a);
        assertThat(ServerConfig.hostPort(ServerConfig.parseHostPort("127.0.0.1:7001"))).isEqualTo("127.0.0.1:7001");
    }

    @Test
    void anAdvertisedAddressMustReachTheNode() {
        ServerConfig.Builder b = ServerConfig.builder().nodeId(1).cluster("1=127.0.0.1:7001").dataDir(java.nio.file.Path.of("d"));
        assertThatThrownBy(() -> b.advertise(ServerConfig.parseHostPort("0.0.0.0:7001")).build())
            .hasMessageContaining("is a wildcard");
        assertThatThrownBy(() -> b.advertise(ServerConfig.parseHostPort("public.example:0")).build())
            .hasMessageContaining("has port 0");
        assertThatThrownBy(() -> b.advertise(ServerConfig.parseHostPort("a".repeat(251) + ".example:7001")).build())
            .hasMessageContaining("is longer than 255 characters");
        assertThatThrownBy(() -> b.advertise(ServerConfig.parseHostPort("0:7001")).build())
            .hasMessageContaining("is neither an IP address nor a host name");
        assertThatThrownBy(() -> ServerConfig.parseHostPort("[]:7001")).hasMessageContaining("no host");
        assertThat(b.advertise(ServerConfig.parseHostPort("public.example:17001")).build().advertise().getHostString())
            .isEqualTo("public.example");
        assertThat(b.advertise(null).build().advertise()).as("none given: peers use their own entries").isNull();
    }
}
