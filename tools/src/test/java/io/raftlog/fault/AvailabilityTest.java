package io.raftlog.fault;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AvailabilityTest {
    private static final long MS = 1_000_000L;

    private static void round(History h, long at, String r1, String r2, String r3, long term, int leader) {
        h.observe(new History.Observation(at, 1, r1 != null, r1 == null ? "-" : r1, term, leader, 0));
        h.observe(new History.Observation(at, 2, r2 != null, r2 == null ? "-" : r2, term, leader, 0));
        h.observe(new History.Observation(at, 3, r3 != null, r3 == null ? "-" : r3, term, leader, 0));
    }

    @Test
    void leaderlessStretchIsAttributedToTheActiveNemesis() {
        History h = new History();
        // 0-1000 ms: node 1 leads term 1. 1000-1500: node 1 killed, nobody leads. 1500-3000: node 2 leads term 2.
        for (long t = 0; t < 1000; t += 100) {
            round(h, t * MS, "LEADER", "FOLLOWER", "FOLLOWER", 1, 1);
        }
        for (long t = 1000; t < 1500; t += 100) {
            round(h, t * MS, null, "CANDIDATE", "FOLLOWER", 2, 0);
        }
        for (long t = 1500; t < 3000; t += 100) {
            round(h, t * MS, null, "LEADER", "FOLLOWER", 2, 2);
        }
        h.inject(new History.Injection(1000 * MS, 2000 * MS, "kill", "kill -9 node 1"));

        Availability a = new Availability(h, 3, 0, 3000 * MS);

        Availability.Figures kill = a.figures().get("kill");
        assertThat(kill.observedNanos()).isEqualTo(1000 * MS);
        assertThat(kill.withLeaderNanos()).isEqualTo(500 * MS);
        assertThat(kill.longestWithoutNanos()).isEqualTo(500 * MS);
        assertThat(a.figures().get("none").fraction()).isEqualTo(1.0);
        assertThat(a.figures().get("all").withLeaderNanos()).isEqualTo(2500 * MS);
        assertThat(a.timeline()).extracting(Availability.Reign::leader).containsExactly(1, 0, 2);
    }

    @Test
    void aLeaderWithoutAMajorityBehindItDoesNotCount() {
        History h = new History();
        // Node 1 still thinks it leads term 1, but the others moved to term 2 and have no leader yet.
        for (long t = 0; t < 1000; t += 100) {
            round(h, t * MS, "LEADER", "CANDIDATE", "FOLLOWER", 2, 0);
        }
        Availability a = new Availability(h, 3, 0, 1000 * MS);
        assertThat(a.figures().get("all").withLeaderNanos()).isZero();
    }

    @Test
    void staleAnswersExpire() {
        History h = new History();
        round(h, 0, "LEADER", "FOLLOWER", "FOLLOWER", 1, 1);
        Availability a = new Availability(h, 3, 0, 3000 * MS);
        Availability.Figures all = a.figures().get("all");
        assertThat(all.withLeaderNanos()).isEqualTo(Availability.FRESH_NANOS + Availability.GRID_NANOS);
        assertThat(all.longestWithoutNanos()).isEqualTo(3000 * MS - all.withLeaderNanos());
    }
}
