package io.raftlog.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NemesisRunnerTest {

    /** Records what the nemesis did and whether anything is still broken. */
    static final class FakeCluster implements FaultTarget {
        final int n;
        final int leader;
        final Set<Integer> down = new HashSet<>();
        final Set<Integer> frozen = new HashSet<>();
        final Set<String> blocked = new HashSet<>();
        final Map<Integer, Long> slowed = new HashMap<>();
        final Set<String> stalled = new HashSet<>();
        final List<String> calls = new ArrayList<>();
        int maxBlocked;

        FakeCluster(int n, int leader) {
            this.n = n;
            this.leader = leader;
        }

        boolean healthy() {
            return down.isEmpty() && frozen.isEmpty() && blocked.isEmpty() && slowed.isEmpty() && stalled.isEmpty();
        }

        @Override
        public int nodes() {
            return n;
        }

        @Override
        public int leader() {
            return leader;
        }

        @Override
        public void kill(int node) {
            calls.add("kill " + node);
            down.add(node);
        }

        @Override
        public void start(int node) {
            calls.add("start " + node);
            down.remove(node);
        }

        @Override
        public void freeze(int node) {
            calls.add("freeze " + node);
            frozen.add(node);
        }

        @Override
        public void thaw(int node) {
            calls.add("thaw " + node);
            frozen.remove(node);
        }

        @Override
        public void partition(List<Set<Integer>> groups) {
            calls.add("partition " + groups);
            for (Set<Integer> a : groups) {
                for (Set<Integer> b : groups) {
                    if (a != b) {
                        for (int x : a) {
                            for (int y : b) {
                                blocked.add(x + ">" + y);
                            }
                        }
                    }
                }
            }
            maxBlocked = Math.max(maxBlocked, blocked.size());
        }

        @Override
        public void blockOneWay(int from, int to) {
            calls.add("block " + from + ">" + to);
            blocked.add(from + ">" + to);
            maxBlocked = Math.max(maxBlocked, blocked.size());
        }

        @Override
        public void stallLink(int a, int b) {
            calls.add("stall " + Math.min(a, b) + "-" + Math.max(a, b));
            stalled.add(Math.min(a, b) + "-" + Math.max(a, b));
        }

        @Override
        public void slow(int node, long millis) {
            calls.add("slow " + node);
            slowed.put(node, millis);
        }

        @Override
        public void healNetwork() {
            calls.add("heal");
            blocked.clear();
            slowed.clear();
            stalled.clear();
        }
    }

    private static Schedule.Step step(Nemesis n, long seed) {
        return new Schedule.Step(n, 0, 3, seed);
    }

    @Test
    void everyNemesisIsHealedAndRecorded() {
        for (Nemesis nemesis : Nemesis.values()) {
            for (long seed = 0; seed < 20; seed++) {
                FakeCluster c = new FakeCluster(5, 2);
                History h = new History();
                assertThat(new NemesisRunner(c, h, System.nanoTime()).execute(step(nemesis, seed))).isTrue();
                assertThat(c.healthy()).as(nemesis + " seed " + seed + " left " + c.calls).isTrue();
                assertThat(c.calls).as(nemesis + " did something").isNotEmpty();
                assertThat(h.injections()).singleElement().satisfies(i -> {
                    assertThat(i.kind()).isEqualTo(nemesis.label);
                    assertThat(i.endNanos()).isGreaterThanOrEqualTo(i.startNanos());
                });
            }
        }
    }

    @Test
    void killPrefersTheLeader() {
        int leaderKills = 0;
        for (long seed = 0; seed < 300; seed++) {
            FakeCluster c = new FakeCluster(3, 3);
            new NemesisRunner(c, new History(), System.nanoTime()).execute(step(Nemesis.KILL, seed));
            if (c.calls.get(0).equals("kill 3")) {
                leaderKills++;
            }
        }
        // Two in three directly, plus a third of the rest by chance: about 78%.
        assertThat(leaderKills).isBetween(200, 270);
    }

    @Test
    void partitionsLeaveAMajorityTogether() {
        for (long seed = 0; seed < 50; seed++) {
            FakeCluster c = new FakeCluster(5, 0);
            new NemesisRunner(c, new History(), System.nanoTime()).execute(step(Nemesis.PARTITION, seed));
            String call = c.calls.get(0);
            // groups: [majority of 3 or 4, minority of 1 or 2]; 5 nodes split 3|2 or 4|1 block 12 or 8 directed links
            assertThat(call).startsWith("partition");
            assertThat(c.maxBlocked).isIn(8, 12);
        }
    }

    @Test
    void isolateLeaderCutsExactlyTheLeader() {
        FakeCluster c = new FakeCluster(3, 2);
        new NemesisRunner(c, new History(), System.nanoTime()).execute(step(Nemesis.ISOLATE_LEADER, 1));
        assertThat(c.calls.get(0)).startsWith("partition [[2], [");
        assertThat(c.maxBlocked).isEqualTo(4);
    }

    @Test
    void stallIsDrawnByTheScheduleAndHealedByTheRunner() {
        // Drawn: the seeded plan of a short run reaches it (the opening permutation holds every nemesis).
        Schedule.Step drawn = null;
        for (long seed = 0; drawn == null && seed < 20; seed++) {
            drawn = Schedule.generate(seed, 40_000).steps.stream().filter(s -> s.nemesis() == Nemesis.STALL).findFirst().orElse(null);
        }
        assertThat(drawn).as("a stall in the first 20 seeds' 40 s plans").isNotNull();

        int whole = 0;
        int single = 0;
        for (long seed = 0; seed < 60; seed++) {
            FakeCluster c = new FakeCluster(5, 2);
            History h = new History();
            new NemesisRunner(c, h, System.nanoTime()).execute(new Schedule.Step(Nemesis.STALL, 0, 3, drawn.choiceSeed() + seed));
            List<String> stalls = c.calls.stream().filter(x -> x.startsWith("stall ")).toList();
            // Either every link of one node (4 of them in 5 nodes) or one link, then the heal that delivers it all.
            assertThat(stalls.size()).as(c.calls.toString()).isIn(1, 4);
            if (stalls.size() == 4) {
                whole++;
            } else {
                single++;
            }
            assertThat(c.calls.get(c.calls.size() - 1)).isEqualTo("heal");
            assertThat(c.healthy()).as(c.calls.toString()).isTrue();
            assertThat(h.injections()).singleElement().satisfies(i -> {
                assertThat(i.kind()).isEqualTo("stall");
                assertThat(i.description()).contains("delivered late");
            });
        }
        assertThat(whole).isPositive();
        assertThat(single).isPositive();
    }

    @Test
    void restartAllKillsAndStartsEveryNode() {
        FakeCluster c = new FakeCluster(3, 1);
        new NemesisRunner(c, new History(), System.nanoTime()).execute(step(Nemesis.RESTART_ALL, 1));
        assertThat(c.calls).containsExactly("kill 1", "kill 2", "kill 3", "start 1", "start 2", "start 3");
    }
}
