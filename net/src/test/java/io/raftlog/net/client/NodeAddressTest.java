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
}
