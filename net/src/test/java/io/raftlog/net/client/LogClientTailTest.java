package io.raftlog.net.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.raftlog.pipeline.Await;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tails and status against {@link FakeNode}s: order, exactly once, resuming elsewhere, hung nodes. */
class LogClientTailTest {
    private final FakeLog log = new FakeLog();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private FakeNode node(int id) throws Exception {
        FakeNode n = new FakeNode(id, log);
        closeables.add(n);
        return n;
    }

    private LogClient client(FakeNode... nodes) {
        return client(Duration.ofMillis(300), Duration.ofSeconds(10), nodes);
    }

    private LogClient client(Duration requestTimeout, Duration timeout, FakeNode... nodes) {
        List<NodeAddress> addresses = new ArrayList<>();
        for (FakeNode n : nodes) {
            addresses.add(n.address());
        }
        LogClient c = LogClient.builder(addresses).seed(1).connectTimeout(Duration.ofMillis(300))
            .requestTimeout(requestTimeout).timeout(timeout).build();
        closeables.add(c);
        return c;
    }

    /**
     * A client whose connect and request timeouts are a minute and whose keep-alive is 100 ms: only the keep-alive
     * can move it on within a test's wait.
     */
    private LogClient keepAliveClient(Duration timeout, FakeNode... nodes) {
        List<NodeAddress> addresses = new ArrayList<>();
        for (FakeNode n : nodes) {
            addresses.add(n.address());
        }
        LogClient c = LogClient.builder(addresses).seed(1).connectTimeout(Duration.ofSeconds(60))
            .requestTimeout(Duration.ofSeconds(60)).keepAlive(Duration.ofMillis(100)).timeout(timeout).build();
        closeables.add(c);
        return c;
    }

    /** Follows the log from index 5 and waits (20 s at most) for every entry there is, in order. */
    private void followsFromFiveToTheEnd(LogClient c) {
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> expected = expected(5);
        c.tail(5, true, collectInto(seen));
        Await.until("the entries from index 5", Duration.ofSeconds(20), () -> seen.size() >= expected.size());
        assertThat(seen).isEqualTo(expected);
    }

    /** Appends data entries p{from}..p{to-1} to the shared log, with a no-op after every tenth. */
    private void fill(int from, int to) {
        for (int i = from; i < to; i++) {
            log.append(99, i, ("p" + i).getBytes(StandardCharsets.UTF_8));
            if (i % 10 == 9) {
                log.appendNoop();
            }
        }
    }

    /** The (index, payload) pairs a correct tail from {@code from} must deliver. */
    private List<String> expected(long from) {
        List<String> out = new ArrayList<>();
        for (long i = from; i <= log.lastIndex(); i++) {
            byte[] e = log.get(i);
            if (e != null) {
                out.add(i + ":" + new String(e, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static EntryHandler collectInto(List<String> seen) {
        return (index, buffer, offset, length) -> seen.add(index + ":" + buffer.getStringWithoutLengthUtf8(offset, length));
    }

    @Test
    void readsEveryDataEntryOnceInIndexOrderAndEndsAtTheEndOfTheLog() throws Exception {
        FakeNode node = node(1);
        fill(0, 250);
        List<String> seen = new CopyOnWriteArrayList<>();
        TailSubscription tail = client(node).tail(1, false, collectInto(seen));
        tail.done().get(10, TimeUnit.SECONDS);
        assertThat(seen).isEqualTo(expected(1));
        assertThat(tail.nextIndex()).isEqualTo(log.lastIndex() + 1);
    }

    @Test
    void closingTheClientEndsEveryTailAndIteratorItOpened() throws Exception {
        // Before, close() stopped only the appends: a following tail kept its thread and its connection for a client
        // the application had let go of, and an iterator's hasNext() waited for ever.
        FakeNode node = node(1);
        fill(0, 20);
        LogClient client = client(node);
        List<String> seen = new CopyOnWriteArrayList<>();
        TailSubscription tail = client.tail(1, collectInto(seen));
        TailIterator iterator = client.iterate(1);
        Await.until("the tail's entries", Duration.ofSeconds(10), () -> seen.size() >= 20);
        for (int i = 0; i < 20; i++) {
            assertThat(iterator.hasNext()).isTrue();
            iterator.next();
        }

        client.close();

        tail.done().get(10, TimeUnit.SECONDS);
        assertThat(iterator.hasNext()).as("an iterator of a closed client runs out").isFalse();
        assertThatThrownBy(() -> client.tail(1, collectInto(seen))).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("closed");
        assertThatThrownBy(() -> client.iterate(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aHandlerThatThrowsAnErrorEndsTheTailWithIt() throws Exception {
        // A handler's AssertionError (a consumer's own check) ended the tail's thread but left done() incomplete:
        // a consumer waiting on it hung for ever.
        FakeNode node = node(1);
        fill(0, 20);
        AssertionError bug = new AssertionError("a consumer's own check failed at entry 5");
        TailSubscription tail = client(node).tail(1, false, (index, buffer, offset, length) -> {
            if (index >= 5) {
                throw bug;
            }
        });
        assertThatThrownBy(() -> tail.done().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause().isSameAs(bug);
    }

    @Test
    void resumesOnAnotherNodeFromTheNextIndexWithoutGapsOrDuplicates() throws Exception {
        // Node 1 dies after 30 entries; node 2 repeats the 5 entries before what it is asked for: the tail
        // must neither skip nor repeat anything, and keep following what is appended afterwards.
        FakeNode dying = node(1).cutTailAfterEntries(30);
        FakeNode repeating = node(2).resendOverlap(5);
        fill(0, 100);
        List<String> seen = new CopyOnWriteArrayList<>();
        try (TailSubscription tail = client(dying, repeating).tail(1, collectInto(seen))) {
            Await.until("the first 100 entries", Duration.ofSeconds(10), () -> seen.size() >= 100);
            fill(100, 150);
            Await.until("150 entries", Duration.ofSeconds(10), () -> seen.size() >= 150);
            assertThat(dying.isClosed()).isTrue();
            // Awaited, not read once: a 200 ms stall of the test machine can make the client re-check the node.
            Await.until("served by " + repeating.address(), Duration.ofSeconds(10),
                () -> repeating.address().equals(tail.servingNode()));
        }
        assertThat(seen).isEqualTo(expected(1));
    }

    @Test
    void aReadEndsAtTheHighestCommitIndexNotAtALaggingNodesEnd() throws Exception {
        // Node 1 serves 10 entries behind; node 2 reports the whole log committed. A read that began after
        // everything was acknowledged must include everything, waiting for node 1 to catch up.
        FakeNode lagging = node(1).lag(10);
        FakeNode current = node(2);
        fill(0, 50);
        List<String> seen = new CopyOnWriteArrayList<>();
        TailSubscription tail = client(lagging, current).tail(1, false, collectInto(seen));
        Await.until("the lagging node's part", Duration.ofSeconds(10), () -> seen.size() >= 50 - 10 - 1);
        assertThat(tail.done()).isNotDone();
        lagging.lag(0);
        tail.done().get(10, TimeUnit.SECONDS);
        assertThat(seen).isEqualTo(expected(1));
    }

    @Test
    void leavesANodeThatAnswersPingsButNeverServesItsCommittedEntries() throws Exception {
        // Node 1's fetches hang (a stuck fetch thread) while it answers STATUS with the whole log committed:
        // every answered ping counted as being served, so the tail stayed there for good.
        FakeNode stuck = node(1).ignoreFetches();
        FakeNode serving = node(2);
        fill(0, 20);
        List<String> seen = new CopyOnWriteArrayList<>();
        client(stuck, serving).tail(1, false, collectInto(seen)).done().get(10, TimeUnit.SECONDS);
        assertThat(seen).isEqualTo(expected(1));
    }

    @Test
    void leavesANodeThatKnowsNoLeaderForOneThatDoes() throws Exception {
        // Node 1 answers pings but knows no leader and learns no commits (cut off from the majority).
        FakeNode cutOff = node(1).mode(FakeNode.Mode.FOLLOWER).leaderHint("").lag(1_000);
        FakeNode leader = node(2);
        fill(0, 20);
        List<String> seen = new CopyOnWriteArrayList<>();
        try (TailSubscription tail = client(cutOff, leader).tail(1, collectInto(seen))) {
            Await.until("the entries, from node 2", Duration.ofSeconds(10), () -> seen.size() >= 20);
            Await.until("served by " + leader.address(), Duration.ofSeconds(10),
                () -> leader.address().equals(tail.servingNode()));
        }
        assertThat(seen).isEqualTo(expected(1));
    }

    @Test
    void aNodeThatEndsTheFetchForWantOfALeaderIsNotServingAndAloneItFailsTheTailAfterItsTimeout() throws Exception {
        // A node without a leader answers a caught-up following fetch END_OF_LOG, then ERROR NO_LEADER. Neither may
        // count as progress: the tail would go round for ever instead of failing when no node can serve it.
        FakeNode cutOff = node(1).leaderlessFor(Duration.ofDays(1));
        fill(0, 5);
        TailSubscription tail = client(Duration.ofMillis(300), Duration.ofSeconds(1), cutOff).tail(3, true, (i, b, o, l) -> { });
        assertThatThrownBy(() -> tail.done().get(20, TimeUnit.SECONDS))
            .hasMessageContaining("served the tail from index 3 for 1s")
            .hasMessageContaining("NO_LEADER");
        assertThat(cutOff.connectionsAccepted()).as("asked again after each answer").isGreaterThan(1);
    }

    @Test
    void aRestartingNodeThatHoldsWhatTheOthersDroppedIsWaitedForNotCountedOut() throws Exception {
        // Node 3 holds the whole log but has not heard from a leader since it restarted: it ends each fetch with
        // NO_LEADER at once, for 150 ms. Counted out after three quick rounds, it made the tail skip 5..8.
        FakeNode one = node(1).compactedBefore(12);
        FakeNode two = node(2).compactedBefore(9);
        FakeNode restarting = node(3).leaderlessFor(Duration.ofMillis(150));
        fill(0, 30);
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> skipped = new CopyOnWriteArrayList<>();
        client(one, two, restarting).tail(5, false, OnCompacted.SKIP, recordingSkips(seen, skipped)).done().get(10, TimeUnit.SECONDS);
        assertThat(skipped).isEmpty();
        assertThat(seen).isEqualTo(expected(5));
    }

    @Test
    void leavesAHungNodeForOneThatAnswers() throws Exception {
        FakeNode hung = node(1).mode(FakeNode.Mode.SILENT);
        FakeNode good = node(2);
        fill(0, 20);
        List<String> seen = new CopyOnWriteArrayList<>();
        client(hung, good).tail(5, false, collectInto(seen)).done().get(10, TimeUnit.SECONDS);
        assertThat(seen).isEqualTo(expected(5));
    }

    @Test
    void leavesFrozenNodesWithinTheKeepAliveNotTheConnectOrRequestTimeout() throws Exception {
        // Node 1 never answers the handshake, node 2 answers it and then nothing (neither the fetch nor the pings).
        // The connect and request timeouts are a minute and the test waits 20 s: only the keep-alive (a handshake
        // answered within 200 ms, a ping after 100 ms of quiet answered within 100 more) gets the tail to node 3.
        FakeNode noHandshake = node(1).holdHandshakes();
        FakeNode frozen = node(2).silentAfterHandshake();
        FakeNode good = node(3);
        fill(0, 20);
        followsFromFiveToTheEnd(keepAliveClient(Duration.ofSeconds(60), noHandshake, frozen, good));
        assertThat(frozen.connectionsAccepted()).isPositive();
    }

    @Test
    void aFrameArrivingSlowlyShowsTheNodeAliveAsAWholeFrameWould() throws Exception {
        // The only node sends its ENTRIES frame 32 bytes every 150 ms, longer than the keep-alive (100 ms) between
        // pieces. Counting only whole frames as answers, the tail left it after each ping and never got a frame.
        FakeNode slow = node(1).trickleEntries(32, Duration.ofMillis(150));
        fill(0, 20);
        followsFromFiveToTheEnd(keepAliveClient(Duration.ofSeconds(60), slow));
        assertThat(slow.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void compactedAnswersThatCameLateAreActedOnAtTheTimeoutNotFailedForWantOfService() throws Exception {
        // Node 1 is down. Nodes 2 and 3 leave their first four handshakes each unanswered (200 ms apiece with a
        // keep-alive of 100 ms), so their COMPACTED answers come after at least 1.6 s, past half the tail's 3 s
        // timeout: the counting-out (half the timeout from the first answer) would end after the timeout itself.
        FakeNode down = node(1);
        FakeNode late2 = node(2).compactedBefore(12).leaveFirstHandshakesUnanswered(4);
        FakeNode late3 = node(3).compactedBefore(12).leaveFirstHandshakesUnanswered(4);
        fill(0, 30);
        LogClient c = keepAliveClient(Duration.ofSeconds(3), down, late2, late3);
        down.close();
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> skipped = new CopyOnWriteArrayList<>();
        List<String> expected = expected(12);
        TailSubscription tail = c.tail(5, true, OnCompacted.SKIP, recordingSkips(seen, skipped));
        Await.until("the entries after the skip", Duration.ofSeconds(20), () -> seen.size() >= expected.size() || tail.done().isDone());
        assertThat(tail.done()).as("the tail runs on").isNotDone();
        assertThat(skipped).containsExactly("5..11");
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void fromTheBeginningOfACompactedLogStartsAtItsFirstEntry() throws Exception {
        FakeNode node = node(1).compactedBefore(12);
        fill(0, 30);
        List<String> seen = new CopyOnWriteArrayList<>();
        client(node).tail(1, false, collectInto(seen)).done().get(10, TimeUnit.SECONDS);
        assertThat(seen).isEqualTo(expected(12));
    }

    @Test
    void fromACompactedIndexFailsNamingTheFirstIndex() throws Exception {
        FakeNode node = node(1).compactedBefore(12);
        fill(0, 30);
        TailSubscription tail = client(node).tail(5, false, (i, b, o, l) -> { });
        assertThatThrownBy(() -> tail.done().get(10, TimeUnit.SECONDS))
            .hasMessageContaining("entries from index 5 are compacted")
            .hasMessageContaining("the log now starts at 12");
    }

    @Test
    void aNodeThatCompactedSendsTheTailToOneThatStillHoldsTheEntries() throws Exception {
        // Each node drops entries on its own (and one that caught up by snapshot never had them).
        FakeNode compacted = node(1).compactedBefore(12);
        FakeNode whole = node(2);
        fill(0, 30);
        List<String> seen = new CopyOnWriteArrayList<>();
        // Following, so that no status probe connects to the nodes: a connection to node 1 is the tail's own.
        try (TailSubscription tail = client(compacted, whole).tail(5, true, collectInto(seen))) {
            Await.until("the tail reads 5.. from node 2", Duration.ofSeconds(10), () -> seen.size() >= expected(5).size());
            assertThat(seen).isEqualTo(expected(5));
            assertThat(compacted.connectionsAccepted()).as("the compacted node was asked first").isPositive();
            assertThat(tail.done()).isNotDone();
        }
    }

    @Test
    void whenEveryNodeCompactedTheTailFailsNamingTheLowestFirstIndex() throws Exception {
        FakeNode one = node(1).compactedBefore(12);
        FakeNode two = node(2).compactedBefore(9);
        fill(0, 30);
        TailSubscription tail = client(one, two).tail(5, false, (i, b, o, l) -> { });
        assertThatThrownBy(() -> tail.done().get(10, TimeUnit.SECONDS))
            .hasMessageContaining("entries from index 5 are compacted on every node")
            .hasMessageContaining("the log now starts at 9");
    }

    @Test
    void fromTheBeginningStartsAtTheLowestFirstIndexAnyNodeHolds() throws Exception {
        // The node asked first dropped more than the other: starting where it starts would lose 9..11 for nothing.
        assertThat(tailOfNodesThatDropped12And9(1, OnCompacted.defaultFor(1))).containsExactly("1..8");
    }

    @Test
    void underSkipATailFromAnIndexDroppedEverywhereGoesOnAtTheLowestFirstIndexAndSaysWhatItSkipped() throws Exception {
        assertThat(tailOfNodesThatDropped12And9(5, OnCompacted.SKIP)).containsExactly("5..8");
    }

    /**
     * Reads from {@code from} of two nodes, the first holding entries from index 12 and the second from 9; checks
     * that it delivered everything from 9 and returns the skips its handler was told of.
     */
    private List<String> tailOfNodesThatDropped12And9(long from, OnCompacted onCompacted) throws Exception {
        FakeNode one = node(1).compactedBefore(12);
        FakeNode two = node(2).compactedBefore(9);
        fill(0, 30);
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> skipped = new CopyOnWriteArrayList<>();
        client(one, two).tail(from, false, onCompacted, recordingSkips(seen, skipped)).done().get(10, TimeUnit.SECONDS);
        assertThat(seen).isEqualTo(expected(9));
        return skipped;
    }

    @Test
    void aFollowingTailThatFallsBehindWhatEveryNodeKeepsSkipsAheadOnlyUnderSkip() throws Exception {
        // Node 1 serves a few entries and dies; node 2 has dropped everything before 25 meanwhile.
        FakeNode dying = node(1).cutTailAfterEntries(6);
        FakeNode dropped = node(2).compactedBefore(25);
        fill(0, 30);
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> skipped = new CopyOnWriteArrayList<>();
        try (TailSubscription tail = client(dying, dropped).tail(5, true, OnCompacted.SKIP, recordingSkips(seen, skipped))) {
            Await.until("the tail reaches the end of the log", Duration.ofSeconds(10),
                () -> tail.nextIndex() > log.lastIndex());
        }
        assertThat(skipped).hasSize(1);
        long resumed = Long.parseLong(skipped.get(0).split("\\.\\.")[0]);
        assertThat(resumed).as("node 1 served some entries first").isGreaterThan(5);
        assertThat(skipped.get(0)).isEqualTo(resumed + "..24");
        List<String> want = new ArrayList<>(expected(5).subList(0, 6));
        assertThat(want.get(5)).startsWith((resumed - 1) + ":");
        want.addAll(expected(25));
        assertThat(seen).isEqualTo(want);

        // The same without SKIP fails once node 2 said so and node 3, gone, was given its three rounds, naming
        // where the log now starts.
        FakeNode dyingAgain = node(3).cutTailAfterEntries(6);
        TailSubscription failing = client(dyingAgain, dropped).tail(5, true, (i, b, o, l) -> { });
        assertThatThrownBy(() -> failing.done().get(10, TimeUnit.SECONDS))
            .hasMessageContaining("are compacted on 1 of the nodes")
            .hasMessageContaining("(the others did not answer; last: " + dyingAgain.address())
            .hasMessageContaining("; the log now starts at 25");
    }

    @Test
    void aNodeThatMissedOneRoundIsAskedAgainBeforeEntriesItHoldsAreSkipped() throws Exception {
        // Node 3 holds the whole log but drops its first fetch (restarting): it must not be counted out for that.
        FakeNode one = node(1).compactedBefore(12);
        FakeNode two = node(2).compactedBefore(9);
        FakeNode whole = node(3).dropFirstFetches(1);
        fill(0, 30);
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> skipped = new CopyOnWriteArrayList<>();
        client(one, two, whole).tail(5, false, OnCompacted.SKIP, recordingSkips(seen, skipped)).done().get(10, TimeUnit.SECONDS);
        assertThat(skipped).isEmpty();
        assertThat(seen).isEqualTo(expected(5));
    }

    @Test
    void aNodeThatNeverAnswersIsCountedOutAfterThreeRounds() throws Exception {
        FakeNode[] nodes = twoDroppedIndex5AndOneDown();
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> skipped = new CopyOnWriteArrayList<>();
        client(nodes).tail(5, false, OnCompacted.SKIP, recordingSkips(seen, skipped)).done().get(10, TimeUnit.SECONDS);
        assertThat(skipped).containsExactly("5..8");
        assertThat(seen).isEqualTo(expected(9));
        assertThat(nodes[0].connectionsAccepted()).as("node 1 asked in each of three rounds").isGreaterThanOrEqualTo(3);
    }

    /** Nodes 1 and 2 dropped index 5 (their logs start at 12 and 9), node 3 is down; the log holds 30 data entries. */
    private FakeNode[] twoDroppedIndex5AndOneDown() throws Exception {
        FakeNode one = node(1).compactedBefore(12);
        FakeNode two = node(2).compactedBefore(9);
        FakeNode down = node(3);
        down.close();
        fill(0, 30);
        return new FakeNode[] {one, two, down};
    }

    @Test
    void aLongRequestTimeoutDoesNotKeepTheTailFromActingOnCompactedAnswersBeforeItsTimeout() throws Exception {
        // Counting a node out waits three request timeouts, at most half the tail's timeout: with a request timeout
        // of 5 s and a timeout of 4 s it waited 15 s, and the tail failed for want of service at 4 s (found in review).
        LogClient c = client(Duration.ofSeconds(5), Duration.ofSeconds(4), twoDroppedIndex5AndOneDown());
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> skipped = new CopyOnWriteArrayList<>();
        c.tail(5, false, OnCompacted.SKIP, recordingSkips(seen, skipped)).done().get(20, TimeUnit.SECONDS);
        assertThat(skipped).containsExactly("5..8");
        assertThat(seen).isEqualTo(expected(9));
    }

    @Test
    void aNodeCutOffBehindTheTailIsNotTakenForOneThatServesIt() throws Exception {
        // Nodes 1 and 2 dropped index 5; node 3 is alive but knows no leader and has not committed it (cut off,
        // or halted with its commit index frozen). Its END_OF_LOG and STATUS answers used to count as progress,
        // which wiped the COMPACTED answers every round: the tail neither skipped nor failed, for ever.
        FakeNode one = node(1).compactedBefore(12);
        FakeNode two = node(2).compactedBefore(9);
        FakeNode cutOff = node(3).mode(FakeNode.Mode.FOLLOWER).leaderHint("").lag(1_000);
        fill(0, 30);
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> skipped = new CopyOnWriteArrayList<>();
        client(one, two, cutOff).tail(5, false, OnCompacted.SKIP, recordingSkips(seen, skipped)).done().get(20, TimeUnit.SECONDS);
        assertThat(skipped).containsExactly("5..8");
        assertThat(seen).isEqualTo(expected(9));

        TailSubscription failing = client(one, two, cutOff).tail(5, false, (i, b, o, l) -> { });
        assertThatThrownBy(() -> failing.done().get(20, TimeUnit.SECONDS))
            .hasMessageContaining("are compacted on 2 of the nodes")
            .hasMessageContaining("; the log now starts at 9");
    }

    /** Collects entries into {@code seen} and skips as "from..to" into {@code skipped}. */
    private static EntryHandler recordingSkips(List<String> seen, List<String> skipped) {
        EntryHandler entries = collectInto(seen);
        return new EntryHandler() {
            @Override
            public void onEntry(long index, org.agrona.DirectBuffer buffer, int offset, int length) {
                entries.onEntry(index, buffer, offset, length);
            }

            @Override
            public void skipped(long fromIndex, long toIndex) {
                skipped.add(fromIndex + ".." + toIndex);
            }
        };
    }

    @Test
    void iteratorBlocksUntilNewEntriesCommit() throws Exception {
        FakeNode node = node(1);
        fill(0, 3);
        try (TailIterator it = client(node).iterate(1)) {
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                LogEntry e = it.next();
                got.add(e.index() + ":" + new String(e.payload(), StandardCharsets.UTF_8));
            }
            assertThat(it.poll(50, TimeUnit.MILLISECONDS)).isNull();
            fill(3, 4);
            LogEntry e = it.next();
            got.add(e.index() + ":" + new String(e.payload(), StandardCharsets.UTF_8));
            assertThat(got).isEqualTo(expected(1));
        }
    }

    @Test
    void failsNamingTheNodesWhenNoneServesWithinTheTimeout() throws Exception {
        FakeNode a = node(1);
        NodeAddress address = a.address();
        a.close();
        LogClient c = LogClient.builder(List.of(address)).timeout(Duration.ofMillis(300)).build();
        closeables.add(c);
        TailSubscription tail = c.tail(1, (i, b, o, l) -> { });
        assertThatThrownBy(() -> tail.done().get(10, TimeUnit.SECONDS))
            .hasMessageContaining("no node among " + address + " served the tail from index 1 for 300ms")
            .hasMessageContaining("connection refused");
    }

    @Test
    void statusReportsEachNodeAndMarksRefusingAndHungOnesUnreachable() throws Exception {
        FakeNode leader = node(1);
        FakeNode hung = node(2).mode(FakeNode.Mode.SILENT);
        FakeNode dead = node(3);
        fill(0, 5);
        // Two seconds to answer, not the 300 ms of the other tests: the live node's first STATUS includes
        // connecting and the handshake, which a busy 2-core machine can hold up; the hung node still misses it.
        LogClient c = LogClient.builder(List.of(leader.address(), hung.address(), dead.address())).seed(1)
            .connectTimeout(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(2)).build();
        closeables.add(c);
        dead.close();
        List<NodeStatus> status = c.status();
        assertThat(status).hasSize(3);
        NodeStatus s1 = status.get(0);
        assertThat(s1.reachable()).isTrue();
        assertThat(s1.isLeader()).isTrue();
        assertThat(s1.nodeId()).isEqualTo(1);
        assertThat(s1.commitIndex()).isEqualTo(log.lastIndex());
        assertThat(s1.peers()).containsExactly(new NodeStatus.Peer(2, log.lastIndex() - 1, 10));
        assertThat(status.get(1).reachable()).isFalse();
        assertThat(status.get(1).error()).contains("answer within 2000 ms");
        assertThat(status.get(2).error()).contains("connection refused");
    }
}
