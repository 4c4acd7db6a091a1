package io.raftlog.net.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a leader that steps down builds for each of its (up to 65,536) pending appends: nothing new per append. */
class ClientResponsesTest {

    @Test
    void theNotLeaderTextIsBuiltOncePerLeaderAndNamesIt() {
        ClientResponses responses = new ClientResponses(null, new String[] {null, "a:7001", "b:7002"});
        String second = responses.notLeaderText(2);
        assertThat(second).isEqualTo("not the leader; node 2 at b:7002 leads");
        assertThat(responses.notLeaderText(2)).isSameAs(second);
        assertThat(responses.notLeaderText(0)).isEqualTo("not the leader; no leader known yet")
            .isSameAs(responses.notLeaderText(0));
        assertThat(responses.notLeaderText(9)).as("an id outside the cluster: none known").isSameAs(responses.notLeaderText(0));
    }
}
