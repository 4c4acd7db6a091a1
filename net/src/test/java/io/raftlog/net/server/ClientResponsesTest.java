package io.raftlog.net.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a leader that steps down builds for each of its (up to 65,536) pending appends: nothing new per append. */
class ClientResponsesTest {

    @Test
    void theNotLeaderTextIsBuiltOncePerLeaderAndNamesIt() {
        ClientAddresses addresses = new ClientAddresses(new String[] {null, "a:7001", "b:7002"});
        ClientResponses responses = new ClientResponses(null, addresses, 2);
        String second = responses.notLeaderText(2);
        assertThat(second).isEqualTo("not the leader; node 2 at b:7002 leads");
        assertThat(responses.notLeaderText(2)).isSameAs(second);
        assertThat(responses.notLeaderText(0)).isEqualTo("not the leader; no leader known yet")
            .isSameAs(responses.notLeaderText(0));
        assertThat(responses.notLeaderText(9)).as("an id outside the cluster: none known").isSameAs(responses.notLeaderText(0));
    }

    @Test
    void theNotLeaderTextFollowsTheAddressAMemberAdvertises() {
        ClientAddresses addresses = new ClientAddresses(new String[] {null, "a:7001", "b:7002"});
        ClientResponses responses = new ClientResponses(null, addresses, 2);
        assertThat(addresses.learned(2, "public-b:17002")).isTrue();
        String text = responses.notLeaderText(2);
        assertThat(text).isEqualTo("not the leader; node 2 at public-b:17002 leads").isSameAs(responses.notLeaderText(2));
        assertThat(addresses.learned(2, new String("public-b:17002"))).isTrue();
        assertThat(responses.notLeaderText(2)).as("told again on a new connection: not rebuilt").isSameAs(text);
        assertThat(addresses.learned(2, "")).as("restarted without --advertise").isTrue();
        assertThat(responses.notLeaderText(2)).isEqualTo("not the leader; node 2 at b:7002 leads");
        assertThat(addresses.learned(3, "c:7003")).as("not a member").isFalse();
        assertThat(addresses.of(3)).isNull();
    }
}
