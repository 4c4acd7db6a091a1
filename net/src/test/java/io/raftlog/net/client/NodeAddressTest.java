package io.raftlog.net.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class NodeAddressTest {

    @Test
    void parsesListsInBothClientAndServerForm() {
        assertThat(NodeAddress.parseList("127.0.0.1:7001, 1=127.0.0.1:7002,127.0.0.1:7001"))
            .containsExactly(new NodeAddress("127.0.0.1", 7001), new NodeAddress("127.0.0.1", 7002));
        assertThat(NodeAddress.parse("[::1]:9")).isEqualTo(new NodeAddress("::1", 9));
        assertThat(NodeAddress.join(List.of(new NodeAddress("h", 1), new NodeAddress("::1", 2)))).isEqualTo("h:1,[::1]:2");
    }

    @Test
    void badAddressesNameWhatIsWrong() {
        assertThatThrownBy(() -> NodeAddress.parse("localhost")).hasMessage("'localhost' is not HOST:PORT");
        assertThatThrownBy(() -> NodeAddress.parse("h:x")).hasMessage("port in 'h:x' is not a number");
        assertThatThrownBy(() -> NodeAddress.parse("h:70000")).hasMessage("port 70000 of h is not in 1..65535");
        assertThatThrownBy(() -> NodeAddress.parseList(" ")).hasMessageContaining("no node addresses given");
    }

    /**
     * Split at the last ':', "127.0.0.1:7001 127.0.0.1:7002" was the one host "127.0.0.1:7001 127.0.0.1": the
     * list quietly lost a node. A host with a colon must be an IPv6 address.
     */
    @Test
    void aHostWithASeparatorOrAColonThatIsNoIpv6AddressIsRefused() {
        assertThatThrownBy(() -> NodeAddress.parseList("127.0.0.1:7001 127.0.0.1:7002"))
            .hasMessage("'127.0.0.1:7001 127.0.0.1:7002' is not HOST:PORT (separate nodes with commas)");
        assertThatThrownBy(() -> NodeAddress.parse("a:1;b:2")).hasMessageContaining("(separate nodes with commas)");
        assertThatThrownBy(() -> NodeAddress.parse("1=a:1\t2=b:2")).hasMessageContaining("(separate nodes with commas)");
        assertThatThrownBy(() -> NodeAddress.parse("1=a=b:1")).hasMessageContaining("'1=a=b:1' is not HOST:PORT");
        assertThatThrownBy(() -> NodeAddress.parse("127.0.0.1:7001:7002"))
            .hasMessage("'127.0.0.1:7001:7002' is not HOST:PORT (a host with ':' must be an IPv6 address, written in"
                + " brackets as [::1]:7001)");
        assertThatThrownBy(() -> NodeAddress.parse("[foo:bar]:1")).hasMessageContaining("must be an IPv6 address");
        assertThat(NodeAddress.parse("::1:7001")).isEqualTo(new NodeAddress("::1", 7001));
        assertThat(NodeAddress.parse("[fe80::1%eth0]:7001")).isEqualTo(new NodeAddress("fe80::1%eth0", 7001));
        assertThat(NodeAddress.parse("node-1.example:7001")).isEqualTo(new NodeAddress("node-1.example", 7001));
    }
}
