package io.raftlog.net.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.raftlog.pipeline.Await;

import org.agrona.concurrent.UnsafeBuffer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Appends against {@link FakeNode}s: indexes, redirects, retries with the same sequences, deadlines. */
class LogClientAppendTest {
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

    private LogClient client(LogClient.Builder b) {
        LogClient c = b.seed(42).build();
        closeables.add(c);
        return c;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> strings(List<byte[]> entries) {
        List<String> out = new ArrayList<>();
        for (byte[] e : entries) {
            out.add(new String(e, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void appendsCompleteWithTheirIndexesInOrder() throws Exception {
        FakeNode leader = node(1);
        LogClient client = client(LogClient.builder(List.of(leader.address())));
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            expected.add("e" + i);
            futures.add(client.append(bytes("e" + i)));
        }
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i + 1L);
        }
        assertThat(strings(log.dataEntries())).isEqualTo(expected);
        // Many appends share a frame when they queue up: fewer frames than appends.
        assertThat(leader.appendFramesReceived()).isLessThan(5000);
    }

    @Test
    void aNodeThatTakesSmallerAppendsGetsSmallerFramesAndNoAppendFails() throws Exception {
        // Every frame of more than 20 payloads is refused TOO_LARGE, several of them pipelined at once: the client
        // sends smaller frames from there, and an answer to a frame of a connection it gave up fails nothing
        // (one failed an append that was never refused: it was taken for a one-payload frame).
        FakeNode leader = node(1).maxEntriesPerAppend(20);
        LogClient client = client(LogClient.builder(List.of(leader.address())));
        List<String> appended = firstThenPipelined(client, "s", 5000);
        // Each exactly once. Not in order: frames pipelined behind a refused one went in before its resend.
        assertThat(strings(log.dataEntries())).containsExactlyInAnyOrderElementsOf(appended);
    }

    /**
     * Appends "first" and waits for it (the connection pipelines from there), then {@code n} appends named
     * {@code prefix + i} at once, and waits for all; returns every payload appended.
     */
    private static List<String> firstThenPipelined(LogClient client, String prefix, int n) throws Exception {
        client.append(bytes("first")).get(10, TimeUnit.SECONDS);
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        List<String> appended = new ArrayList<>(List.of("first"));
        for (int i = 0; i < n; i++) {
            appended.add(prefix + i);
            futures.add(client.append(bytes(prefix + i)));
        }
        for (CompletableFuture<Long> f : futures) {
            f.get(10, TimeUnit.SECONDS);
        }
        return appended;
    }

    @Test
    void batchAppendReturnsIndexesInTheBatchOrder() throws Exception {
        FakeNode leader = node(1);
        LogClient client = client(LogClient.builder(List.of(leader.address())));
        long[] indexes = client.append(List.of(bytes("a"), bytes("b"), bytes("c"))).get(10, TimeUnit.SECONDS);
        assertThat(indexes).containsExactly(1, 2, 3);
        assertThat(strings(log.dataEntries())).containsExactly("a", "b", "c");
    }

    @Test
    void followsNotLeaderRedirectToTheNamedLeader() throws Exception {
        FakeNode leader = node(2);
        FakeNode follower = node(1).mode(FakeNode.Mode.FOLLOWER).leaderHint(leader.address().toString());
        LogClient client = client(LogClient.builder(List.of(follower.address(), leader.address())));
        assertThat(client.append(bytes("x")).get(10, TimeUnit.SECONDS)).isEqualTo(1L);
        assertThat(follower.appendFramesReceived()).isEqualTo(1);
        assertThat(strings(log.dataEntries())).containsExactly("x");
    }

    @Test
    void appendsAFollowerRefusedAsNotAppendedGoToTheLeaderAsFirstSends() throws Exception {
        // A leader whose session table forgot history refuses a RESEND of a client it does not know: a new
        // client whose first frame met a follower must not flag that frame's next send as a resend.
        FakeNode leader = node(2);
        FakeNode follower = node(1).mode(FakeNode.Mode.FOLLOWER).leaderHint(leader.address().toString());
        LogClient client = client(LogClient.builder(List.of(follower.address(), leader.address())));
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(client.append(bytes("n" + i)));
        }
        for (CompletableFuture<Long> f : futures) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertThat(follower.appendFramesReceived()).isPositive();
        assertThat(leader.resendFramesReceived()).as("frames flagged RESEND at the leader").isZero();
    }

    @Test
    void appendsARefusalLeftOpenGoToTheLeaderAsResends() throws Exception {
        // The same without the flag (a node that cannot tell, or of an older version): the send may have landed.
        FakeNode leader = node(2);
        FakeNode follower = node(1).mode(FakeNode.Mode.FOLLOWER).leaderHint(leader.address().toString()).refusalsLeaveItOpen();
        LogClient client = client(LogClient.builder(List.of(follower.address(), leader.address())));
        assertThat(client.append(bytes("x")).get(10, TimeUnit.SECONDS)).isEqualTo(1L);
        assertThat(leader.resendFramesReceived()).isEqualTo(1);
    }

    @Test
    void aBusyLeaderIsWaitedForOnTheSameConnection() throws Exception {
        // Each new connection costs the node a 4 MiB ring: under overload, answering BUSY must not make every
        // client reconnect. Pipelined frames behind a refused one may be taken; each entry lands once anyway.
        FakeNode leader = node(1).busyFirstAppends(5);
        LogClient client = client(LogClient.builder(List.of(leader.address())).maxAppendBytes(1024));
        List<String> appended = firstThenPipelined(client, "b", 2000);
        assertThat(strings(log.dataEntries())).containsExactlyInAnyOrderElementsOf(appended);
        assertThat(leader.connectionsAccepted()).as("connections the client opened").isEqualTo(1);
    }

    @Test
    void aFrameTakenBehindABusyOneIsNotSweptIntoTheRefusedFramesFirstSend() throws Exception {
        // Frame 2 (the first pipelined one) is refused BUSY after frame 3 landed unacknowledged. Sent again as
        // one first-send frame, frames 2 and 3 would overlap the log only partly: the node refuses that INVALID,
        // and the client used to fail all of them, frame 3's appends although they were in the log.
        FakeNode leader = node(1).busyAppendFrameBehindWhichOneLands(2);
        LogClient client = client(LogClient.builder(List.of(leader.address())).maxAppendBytes(1024));
        List<String> appended = firstThenPipelined(client, "p", 500);
        assertThat(strings(log.dataEntries())).containsExactlyInAnyOrderElementsOf(appended);
        assertThat(log.duplicateAppends()).as("frame 3's appends, answered from the log when sent again").isPositive();
        assertThat(leader.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void anAppendThatWaitedForRoomDoesNotDateTheNodesLastProgressBackToBeforeTheWait() throws Exception {
        // With a window of one, append "b" waits about 1.5 s for "a"'s acknowledgement, then its own thread writes
        // it. It set the node's last progress to when the wait began: with b's acknowledgement 1.5 s later the
        // node looked silent for 3 s, past the 2.5 s request timeout, and a healthy connection was given up.
        FakeNode leader = node(1).ackAfter(Duration.ofMillis(1500));
        LogClient client = client(LogClient.builder(List.of(leader.address())).window(1)
            .requestTimeout(Duration.ofMillis(2500)).timeout(Duration.ofSeconds(30)));
        CompletableFuture<Long> a = client.append(bytes("a"));
        CompletableFuture<Long> b = client.append(bytes("b")); // returns once a is acknowledged
        assertThat(a.get(30, TimeUnit.SECONDS)).isEqualTo(1L);
        assertThat(b.get(30, TimeUnit.SECONDS)).isEqualTo(2L);
        assertThat(leader.connectionsAccepted()).as("connections the client opened").isEqualTo(1);
    }

    @Test
    void triesTheNextNodeWhenAFollowerKnowsNoLeader() throws Exception {
        FakeNode follower = node(1).mode(FakeNode.Mode.FOLLOWER).leaderHint("");
        FakeNode leader = node(2);
        LogClient client = client(LogClient.builder(List.of(follower.address(), leader.address())));
        assertThat(client.append(bytes("x")).get(10, TimeUnit.SECONDS)).isEqualTo(1L);
    }

    @Test
    void retryAfterLeaderDiesBeforeAckingReusesSequencesSoNothingIsDuplicated() throws Exception {
        // Node 1 appends the first 700 payloads it gets, then dies without acknowledging them; node 2 shares
        // the log (as a new leader has every committed entry) and must see the retries as duplicates.
        FakeNode first = node(1).dieAfterPayloads(700);
        FakeNode second = node(2);
        LogClient client = client(LogClient.builder(List.of(first.address(), second.address())));
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            futures.add(client.append(bytes("p" + i)));
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            long index = futures.get(i).get(10, TimeUnit.SECONDS);
            assertThat(new String(log.get(index), StandardCharsets.UTF_8)).isEqualTo("p" + i);
            expected.add("p" + i);
        }
        assertThat(strings(log.dataEntries())).isEqualTo(expected);
        assertThat(log.duplicateAppends()).isPositive();
        assertThat(first.isClosed()).isTrue();
        // What node 1 got was sent for the first time; node 2 got the retries, marked as such, so that a node
        // that had forgotten this client would refuse them rather than append them twice.
        assertThat(first.resendFramesReceived()).isZero();
        assertThat(second.resendFramesReceived()).isPositive();
    }

    @Test
    void aRefusedFirstFrameIsNotOvertakenByFramesPipelinedBehindIt() throws Exception {
        // The node refuses the first frame (not leader yet) and accepts the next. Had the client pipelined
        // more frames behind the first, they would be in the log before sequence 1, whose retry the node
        // would then refuse for good as older than what it remembers.
        FakeNode node = node(1).refuseFirstAppends(1).holdHandshakes();
        LogClient client = client(LogClient.builder(List.of(node.address())).window(4096).maxAppendBytes(1024));
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            futures.add(client.append(bytes("q" + i)));
            expected.add("q" + i);
        }
        // All 3000 are queued before the connection is up: enough for many 1 KiB frames at once.
        node.releaseHandshakes();
        for (CompletableFuture<Long> f : futures) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertThat(strings(log.dataEntries())).isEqualTo(expected);
    }

    @Test
    void aWriteBlockedOnANodeThatStoppedReadingIsAbandoned() throws Exception {
        // Node 1 acknowledges two frames, then hangs without reading: 32 MiB of appends fill the socket
        // buffers and block the writing thread, which has no timeout of its own.
        FakeNode hanging = node(1).stallAfterAppendFrames(2);
        FakeNode leader = node(2);
        LogClient client = client(LogClient.builder(List.of(hanging.address(), leader.address()))
            .requestTimeout(Duration.ofMillis(300)));
        appends32MiBAndFindsEachAtItsIndex(client);
    }

    /** 1,024 appends of 32 KiB, numbered, more than the socket buffers of a node that stopped reading hold. */
    private void appends32MiBAndFindsEachAtItsIndex(LogClient client) throws Exception {
        byte[] payload = new byte[32 * 1024];
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            payload[0] = (byte) i;
            payload[1] = (byte) (i >> 8);
            futures.add(client.append(payload));
        }
        for (int i = 0; i < futures.size(); i++) {
            byte[] stored = log.get(futures.get(i).get(20, TimeUnit.SECONDS));
            assertThat((stored[0] & 0xFF) | (stored[1] & 0xFF) << 8).isEqualTo(i);
        }
        assertThat(log.dataEntries()).hasSize(1024);
    }

    @Test
    void abandonsAHungNodeAfterTheRequestTimeout() throws Exception {
        FakeNode hung = node(1).mode(FakeNode.Mode.SILENT);
        FakeNode leader = node(2);
        LogClient client = client(LogClient.builder(List.of(hung.address(), leader.address()))
            .requestTimeout(Duration.ofMillis(200)).connectTimeout(Duration.ofMillis(200)));
        assertThat(client.append(bytes("x")).get(10, TimeUnit.SECONDS)).isEqualTo(1L);
    }

    @Test
    void leavesANodeThatAnswersNotEvenAPingWithoutWaitingOutTheRequestTimeout() throws Exception {
        // Node 1 takes the connection and the append, then answers nothing (frozen). The request timeout is a
        // minute and the append's get is bounded at 20 s: only the keep-alive's ping, unanswered, moves the
        // client on to node 2.
        FakeNode frozen = node(1).silentAfterHandshake();
        FakeNode leader = node(2);
        LogClient client = client(LogClient.builder(List.of(frozen.address(), leader.address()))
            .requestTimeout(Duration.ofSeconds(60)).keepAlive(Duration.ofMillis(100)));
        assertThat(client.append(bytes("x")).get(20, TimeUnit.SECONDS)).isEqualTo(1L);
        assertThat(frozen.connectionsAccepted()).isEqualTo(1);
        assertThat(strings(log.dataEntries())).containsExactly("x");
    }

    @Test
    void aFollowerNamingTheLeaderThatWentSilentIsNotFollowedBackToIt() throws Exception {
        // Node 1 leads but answers nothing after the handshake (frozen); node 2 has not noticed and names it in
        // every NOT_LEADER; node 3 leads now. Following node 2's hint led back to node 1, a second connection
        // that cost another two keep-alives of silence (a handshake timeout, had its kernel taken the connection
        // for a node that does not answer handshakes either) before node 3 was tried.
        FakeNode frozen = node(1).silentAfterHandshake();
        FakeNode follower = node(2).mode(FakeNode.Mode.FOLLOWER).leaderHint(frozen);
        FakeNode leader = node(3);
        LogClient client = client(LogClient.builder(List.of(frozen.address(), follower.address(), leader.address()))
            .requestTimeout(Duration.ofSeconds(60)).keepAlive(Duration.ofMillis(100)).timeout(Duration.ofSeconds(60)));
        assertThat(client.append(bytes("x")).get(20, TimeUnit.SECONDS)).isEqualTo(1L);
        assertThat(frozen.connectionsAccepted()).isEqualTo(1);
        assertThat(strings(log.dataEntries())).containsExactly("x");
    }

    @Test
    void silenceOnOnePathDoesNotKeepTheClientFromTheLeaderOnAnother() throws Exception {
        // The client reaches node 3 through a path that went silent (a proxy a partition cut); node 2 names node 3
        // at another address that works. Avoiding only node 3 itself, the client went round to the cut path again
        // each time the node's avoidance ran out, and never followed the hint (a fault run kept four producers
        // from a healthy leader so); the cut path is avoided for longer than the node.
        FakeNode cutPath = new FakeNode(3, log).silentAfterHandshake();
        closeables.add(cutPath);
        FakeNode leader = node(3);
        FakeNode follower = node(2).mode(FakeNode.Mode.FOLLOWER).leaderHint(leader);
        LogClient client = client(LogClient.builder(List.of(cutPath.address(), follower.address()))
            .requestTimeout(Duration.ofSeconds(60)).keepAlive(Duration.ofMillis(100)));
        assertThat(client.append(bytes("x")).get(20, TimeUnit.SECONDS)).isEqualTo(1L);
        assertThat(cutPath.connectionsAccepted()).as("the cut path was not tried again").isEqualTo(1);
        assertThat(leader.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void aLeaderLeftForSilenceIsFollowedAgainOnceItSpeaks() throws Exception {
        // Node 1 leads but stalls (silent after the handshake), so the client leaves it; node 2 names it in every
        // NOT_LEADER. Node 1 then speaks again (a GC pause, a long write on its raft thread): the client must go
        // back to it soon, not avoid it for the request timeout (30 s; the test waits 10).
        FakeNode stalled = node(1).silentAfterHandshake();
        FakeNode follower = node(2).mode(FakeNode.Mode.FOLLOWER).leaderHint(stalled);
        LogClient client = client(LogClient.builder(List.of(stalled.address(), follower.address()))
            .requestTimeout(Duration.ofSeconds(30)).keepAlive(Duration.ofMillis(100)).timeout(Duration.ofSeconds(60)));
        CompletableFuture<Long> x = client.append(bytes("x"));
        Await.until("the client left node 1 for node 2", Duration.ofSeconds(20), () -> follower.connectionsAccepted() >= 1);
        stalled.speakAgain();
        assertThat(x.get(10, TimeUnit.SECONDS)).isEqualTo(1L);
    }

    @Test
    void aProducerWhoseAppendsExpireBeforeTheKeepAliveStillLeavesAFrozenNode() throws Exception {
        // Appends of 300 ms against the default keep-alive (500 ms): each expired before a ping was due, leaving
        // nothing awaited, so the client stayed on the frozen node and every append failed. The keep-alive is held
        // to a third of the timeout, so the node is left, and later appends go to node 2.
        FakeNode frozen = node(1).silentAfterHandshake();
        FakeNode leader = node(2);
        LogClient client = client(LogClient.builder(List.of(frozen.address(), leader.address()))
            .requestTimeout(Duration.ofSeconds(60)).timeout(Duration.ofMillis(300)));
        int acknowledged = 0;
        for (int i = 0; i < 20 && acknowledged == 0; i++) {
            try {
                client.append(bytes("x" + i)).get(10, TimeUnit.SECONDS);
                acknowledged++;
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(LogClientException.class); // expired on the frozen node
            }
        }
        assertThat(acknowledged).as("an append acknowledged by node 2 within 20 tries").isEqualTo(1);
        assertThat(frozen.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void aSlowCallbackIsNotTakenForASilentNode() throws Exception {
        // The first append's callback holds the receive thread for 600 ms while the second append's ack waits in
        // the socket. Judged by when bytes were last read, the node looked silent after two keep-alives (100 ms).
        FakeNode leader = node(1);
        FakeNode other = node(2);
        LogClient client = client(LogClient.builder(List.of(leader.address(), other.address()))
            .requestTimeout(Duration.ofSeconds(60)).keepAlive(Duration.ofMillis(100)));
        CountDownLatch secondSent = new CountDownLatch(1);
        CompletableFuture<Long> first = new CompletableFuture<>();
        UnsafeBuffer a = new UnsafeBuffer(bytes("a"));
        client.append(a, 0, a.capacity(), new AppendCallback() {
            @Override
            public void onAppended(long sequence, long index) {
                try {
                    secondSent.await();
                    Thread.sleep(600); // the slow callback under test, not a synchronisation
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                first.complete(index);
            }

            @Override
            public void onFailed(long sequence, Throwable error) {
                first.completeExceptionally(error);
            }
        });
        Await.until("the first append reached the node", Duration.ofSeconds(10), () -> leader.appendFramesReceived() >= 1);
        CompletableFuture<Long> second = client.append(bytes("b"));
        Await.until("the second append reached the node", Duration.ofSeconds(10), () -> leader.appendFramesReceived() >= 2);
        secondSent.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1L);
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(2L);
        assertThat(leader.connectionsAccepted()).isEqualTo(1);
        assertThat(leader.resendFramesReceived()).isZero();
        assertThat(other.connectionsAccepted()).isZero();
    }

    @Test
    void keepsASlowNodeThatAnswersItsPings() throws Exception {
        // Node 1 commits slowly (its ack two seconds late) but answers pings at once: it is alive, so the client
        // stays on its one connection however many pings the wait takes.
        FakeNode slow = node(1).ackAfter(Duration.ofSeconds(2));
        FakeNode other = node(2);
        LogClient client = client(LogClient.builder(List.of(slow.address(), other.address()))
            .requestTimeout(Duration.ofSeconds(60)).keepAlive(Duration.ofMillis(300)));
        assertThat(client.append(bytes("a")).get(20, TimeUnit.SECONDS)).isEqualTo(1L);
        assertThat(slow.statusRequestsAnswered()).as("pings while the ack was late").isPositive();
        assertThat(slow.connectionsAccepted()).isEqualTo(1);
        assertThat(other.connectionsAccepted()).isZero();
    }

    @Test
    void aHandshakeUnansweredForTwiceTheKeepAliveMovesOn() throws Exception {
        // Node 1's kernel takes the TCP connection but the node never answers the handshake (frozen). The connect
        // timeout and the request timeout are a minute: the handshake's bound of twice the keep-alive moves on.
        FakeNode frozen = node(1).holdHandshakes();
        FakeNode leader = node(2);
        LogClient client = client(LogClient.builder(List.of(frozen.address(), leader.address()))
            .requestTimeout(Duration.ofSeconds(60)).connectTimeout(Duration.ofSeconds(60)).keepAlive(Duration.ofMillis(100)));
        assertThat(client.append(bytes("x")).get(20, TimeUnit.SECONDS)).isEqualTo(1L);
    }

    @Test
    void aWriteBlockedOnASilentNodeIsAbandonedWithinTwiceTheKeepAlive() throws Exception {
        // As aWriteBlockedOnANodeThatStoppedReadingIsAbandoned, with a request timeout of a minute: the send thread
        // is stuck in its write and cannot ping, so the receive thread judges the silence.
        FakeNode hanging = node(1).stallAfterAppendFrames(2);
        FakeNode leader = node(2);
        LogClient client = client(LogClient.builder(List.of(hanging.address(), leader.address()))
            .requestTimeout(Duration.ofSeconds(60)).keepAlive(Duration.ofMillis(100)));
        appends32MiBAndFindsEachAtItsIndex(client);
    }

    @Test
    void failsAtTheDeadlineNamingTheNodesAndTheLastProblem() throws Exception {
        FakeNode a = node(1);
        FakeNode b = node(2);
        NodeAddress aa = a.address();
        NodeAddress ba = b.address();
        a.close();
        b.close();
        LogClient client = client(LogClient.builder(List.of(aa, ba)).timeout(Duration.ofMillis(300)));
        CompletableFuture<Long> f = client.append(bytes("x"));
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(LogClientException.class)
            .hasMessageContaining("no leader among " + aa + "," + ba + " within 300ms")
            .hasMessageContaining("connection refused");
    }

    @Test
    void fullWindowBlocksTheAppenderUntilRoomIsFreed() throws Exception {
        FakeNode hung = node(1).mode(FakeNode.Mode.SILENT);
        // The deadline must outlast starting the appender thread on a busy machine, or f1 and f2 fail first.
        LogClient client = client(LogClient.builder(List.of(hung.address())).window(2).timeout(Duration.ofSeconds(2)));
        CompletableFuture<Long> f1 = client.append(bytes("1"));
        CompletableFuture<Long> f2 = client.append(bytes("2"));
        AtomicReference<CompletableFuture<Long>> f3 = new AtomicReference<>();
        Thread appender = new Thread(() -> f3.set(client.append(bytes("3"))));
        appender.start();
        // The window is full: the third append waits (until the first two fail at their deadline, as the
        // only node never answers) instead of queueing without bound.
        Await.until("the third append to block", Duration.ofSeconds(10),
            () -> appender.getState() == Thread.State.TIMED_WAITING || f3.get() != null);
        assertThat(f3.get()).isNull();
        appender.join(10_000);
        assertThatThrownBy(() -> f1.get(10, TimeUnit.SECONDS)).hasMessageContaining("no handshake answer");
        assertThatThrownBy(() -> f2.get(10, TimeUnit.SECONDS)).hasMessageContaining("no leader among");
        assertThatThrownBy(() -> f3.get().get(10, TimeUnit.SECONDS)).hasMessageContaining("no leader among");
    }

    @Test
    void oversizedPayloadFailsAtOnceWithTheLimit() {
        LogClient client = client(LogClient.builder("127.0.0.1:1").maxFrameLength(4096));
        CompletableFuture<Long> f = client.append(new byte[5000]);
        assertThatThrownBy(() -> f.get(1, TimeUnit.SECONDS)).hasMessageContaining("payload of 5000 bytes is larger than the maximum");
    }

    @Test
    void clientIdIsReproducibleFromTheSeed() {
        long a = LogClient.builder("127.0.0.1:1").seed(7).build().clientId();
        long b = LogClient.builder("127.0.0.1:1").seed(7).build().clientId();
        assertThat(a).isEqualTo(b).isPositive();
    }

    @Test
    void closeFromACallbackOnTheSendThreadDoesNotWaitForTheSendThreadItself() {
        // An append failed at its deadline is failed by the send thread, so its callback runs there. Closing the
        // client from that callback joined the send thread from itself, a wait that only the join's 5 s timeout
        // ends. Nothing is timed here: the send thread is watched instead, and must never be seen in Thread.join.
        LogClient client = client(LogClient.builder(List.of(unreachable())).timeout(Duration.ofMillis(300)));
        AtomicReference<Thread> callbackThread = new AtomicReference<>();
        CountDownLatch closeReturned = new CountDownLatch(1);
        client.append(new UnsafeBuffer(bytes("x")), 0, 1, new AppendCallback() {
            @Override
            public void onAppended(long sequence, long index) {
            }

            @Override
            public void onFailed(long sequence, Throwable error) {
                callbackThread.set(Thread.currentThread());
                client.close();
                closeReturned.countDown();
            }
        });
        AtomicBoolean seenJoining = new AtomicBoolean();
        Await.until("the callback's close() to return, or the send thread to wait for itself", Duration.ofSeconds(10), () -> {
            Thread t = callbackThread.get();
            if (t != null && isInJoin(t)) {
                seenJoining.set(true);
            }
            return closeReturned.getCount() == 0 || seenJoining.get();
        });
        assertThat(callbackThread.get().getName()).as("the callback's thread").endsWith("-send");
        assertThat(seenJoining).as("the send thread was seen in Thread.join, waiting for itself to end").isFalse();
        assertThatThrownBy(() -> client.append(bytes("y")).get(10, TimeUnit.SECONDS))
            .hasCauseInstanceOf(LogClientException.class).hasMessageContaining("client is closed");
    }

    @Test
    void aSendThreadThatFailsOnItsOwnClosesTheClientAndFailsOutstandingAndLaterAppendsWithTheReason() throws Exception {
        // A fault of the send thread's own (out of memory starting a receive thread, a bug) ended it silently:
        // nothing expired or was sent any more, and every future waited for ever. The fault is injected where a
        // test can reach that thread without a hook: a callback's exception goes to the uncaught-exception
        // handler, and a handler that throws takes the thread down from there.
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        InjectedFault fault = new InjectedFault();
        AtomicBoolean thrown = new AtomicBoolean();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (e instanceof CallbackBug && thrown.compareAndSet(false, true)) {
                throw fault;
            }
            if (!(e instanceof InjectedFault) && previous != null) {
                previous.uncaughtException(t, e);
            }
        });
        try {
            LogClient client = client(LogClient.builder(List.of(unreachable())).timeout(Duration.ofMillis(300)));
            AtomicReference<CompletableFuture<Long>> outstanding = new AtomicReference<>();
            AtomicInteger failedCalls = new AtomicInteger();
            client.append(new UnsafeBuffer(bytes("x")), 0, 1, new AppendCallback() {
                @Override
                public void onAppended(long sequence, long index) {
                }

                @Override
                public void onFailed(long sequence, Throwable error) {
                    if (failedCalls.incrementAndGet() > 1) {
                        return; // answered again by the close: the assertion below reports it
                    }
                    // On the send thread (it failed this append at its deadline): the next append is outstanding
                    // when the thread fails, and only the send thread itself could expire it.
                    outstanding.set(client.append(bytes("outstanding")));
                    throw new CallbackBug();
                }
            });
            Await.until("the callback to run", Duration.ofSeconds(10), () -> outstanding.get() != null);
            assertThatThrownBy(() -> outstanding.get().get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(LogClientException.class)
                .hasMessageContaining("client closed before the append was acknowledged: its send thread failed")
                .hasMessageContaining(InjectedFault.class.getName());
            assertThat(thrown).as("the handler threw the fault").isTrue();
            assertThatThrownBy(() -> client.append(bytes("later")).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(LogClientException.class)
                .hasMessageContaining("client is closed: its send thread failed");
            assertThat(failedCalls).as("the failed append's callback runs once, not again from the close").hasValue(1);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    /** What a user's callback throws in the test above. */
    private static final class CallbackBug extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CallbackBug() {
            super("a bug in a user's callback", null, false, false);
        }
    }

    /** The fault that ends the send thread in the test above. */
    private static final class InjectedFault extends Error {
        private static final long serialVersionUID = 1L;

        InjectedFault() {
            super("injected fault of the send thread", null, false, false);
        }
    }

    /** The address of a node that is gone: every connection is refused, so appends fail only at their deadline. */
    private NodeAddress unreachable() {
        try {
            FakeNode gone = new FakeNode(1, log);
            NodeAddress a = gone.address();
            gone.close();
            return a;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static boolean isInJoin(Thread t) {
        for (StackTraceElement f : t.getStackTrace()) {
            if (f.getClassName().equals(Thread.class.getName()) && f.getMethodName().equals("join")) {
                return true;
            }
        }
        return false;
    }
}
