package io.raftlog.net.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.raftlog.journal.InMemoryJournal;
import io.raftlog.journal.EntryConsumer;
import io.raftlog.journal.Journal;
import io.raftlog.journal.JournalCorruptedException;
import io.raftlog.journal.JournalReader;
import io.raftlog.net.codec.EndOfLogFrame;
import io.raftlog.net.codec.EntriesDecoder;
import io.raftlog.net.codec.ErrorCode;
import io.raftlog.net.codec.ErrorFrame;
import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.Roles;
import io.raftlog.net.transport.Connection;
import io.raftlog.net.transport.FrameHandler;
import io.raftlog.net.transport.Transport;
import io.raftlog.net.transport.TransportConfig;
import io.raftlog.pipeline.Await;
import io.raftlog.pipeline.NodeStanding;
import io.raftlog.pipeline.DataEntry;
import io.raftlog.raft.EntryType;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A fetch always moves: every frame carries at least one entry, and an entry no frame can carry is an error. */
class FetchServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long CLUSTER = 9;

    private record Frame(int type, byte[] bytes) {
    }

    private final List<Frame> received = new CopyOnWriteArrayList<>();
    private final List<Connection> clients = new CopyOnWriteArrayList<>();
    private final InMemoryJournal journal = new InMemoryJournal();
    private final AtomicLong commit = new AtomicLong();
    private Transport node;
    private Transport client;
    private FetchService fetch;

    @AfterEach
    void close() {
        if (fetch != null) {
            fetch.close();
        }
        if (client != null) {
            client.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void entriesLargerThanTheConsumersMaxBytesStillGoOneByOneAndAnUnsendableOneEndsTheFetchWithAnError() {
        // The node's rings towards clients are 64 KiB: its largest frame to a client is 8 KiB.
        Connection consumer = connect(new TransportConfig().clusterId(CLUSTER).nodeId(1).clientRingCapacity(64 * 1024));
        append(1, 1000);
        append(2, 0);      // a NOOP, skipped
        append(3, 3000);
        append(4, 20_000); // no 8 KiB frame can carry it
        append(5, 10);
        commit.set(5);
        fetch = new FetchService(journal, commit::get, 1);
        fetch.start();

        assertThat(fetch.fetch(consumer, 7, 1, 100, false)).isTrue(); // every entry is above 100 bytes
        Await.until("two ENTRIES and an ERROR", WAIT, () -> received.size() >= 3);

        EntriesDecoder entries = EntriesDecoder.forMaxFrameLength(1 << 16);
        long[][] expected = {{1, 1000}, {3, 3000}};
        for (int i = 0; i < 2; i++) {
            Frame f = received.get(i);
            assertThat(f.type()).isEqualTo(FrameType.ENTRIES);
            assertThat(entries.wrap(new UnsafeBuffer(f.bytes()), 0, f.bytes().length)).isNull();
            assertThat(entries.requestId()).isEqualTo(7);
            assertThat(entries.count()).isEqualTo(1);
            assertThat(entries.index(0)).isEqualTo(expected[i][0]);
            assertThat(entries.payloadLength(0)).isEqualTo((int) expected[i][1]);
        }
        Frame last = received.get(2);
        assertThat(last.type()).isEqualTo(FrameType.ERROR);
        ErrorFrame error = new ErrorFrame();
        assertThat(error.wrap(new UnsafeBuffer(last.bytes()), 0, last.bytes().length)).isNull();
        assertThat(error.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(error.failedType()).isEqualTo(FrameType.FETCH);
        assertThat(error.correlationId()).isEqualTo(7);
        assertThat(error.message()).contains("entry 4", "8192");

        // The fetch is over: a later fetch from 5 is served (so the node kept serving), nothing more for 7.
        assertThat(fetch.fetch(consumer, 8, 5, 100, false)).isTrue();
        Await.until("the second fetch ends", WAIT, () -> received.size() >= 5);
        assertThat(received.subList(3, 5)).extracting(Frame::type).containsExactly(FrameType.ENTRIES, FrameType.END_OF_LOG);
        assertThat(received).hasSize(5);
    }

    @Test
    void aJournalThatCannotReadAnEntryEndsThatFetchWithAnErrorAndTheNodeKeepsServing() {
        Connection consumer = connect(new TransportConfig().clusterId(CLUSTER).nodeId(1).clientRingCapacity(64 * 1024));
        for (long i = 1; i <= 5; i++) {
            append(i, 100);
        }
        commit.set(5);
        fetch = new FetchService(failingToRead(journal, 3), commit::get, 1);
        fetch.start();

        assertThat(fetch.fetch(consumer, 7, 3, 1 << 16, false)).isTrue();
        Await.until("an ERROR", WAIT, () -> received.size() >= 1);
        Frame failed = received.get(0);
        assertThat(failed.type()).isEqualTo(FrameType.ERROR);
        ErrorFrame error = new ErrorFrame();
        assertThat(error.wrap(new UnsafeBuffer(failed.bytes()), 0, failed.bytes().length)).isNull();
        assertThat(error.code()).isEqualTo(ErrorCode.STORAGE_FAILURE);
        assertThat(error.correlationId()).isEqualTo(7);
        assertThat(error.message()).contains("reading entry 3", "entry 3 is corrupt (test)");

        // The fetch thread lives on: a fetch of what can be read is served to the end.
        assertThat(fetch.fetch(consumer, 8, 4, 1 << 16, false)).isTrue();
        Await.until("the second fetch ends", WAIT, () -> received.size() >= 3);
        assertThat(received.subList(1, 3)).extracting(Frame::type).containsExactly(FrameType.ENTRIES, FrameType.END_OF_LOG);
    }

    @Test
    void oneConnectionMayOpenOnlySoManyFetchesAndARepeatedRequestIdReplacesItsFetch() {
        Connection consumer = connect(new TransportConfig().clusterId(CLUSTER).nodeId(1).clientRingCapacity(64 * 1024));
        append(1, 10);
        commit.set(1);
        fetch = new FetchService(journal, commit::get, 1);
        fetch.start();
        int limit = FetchService.MAX_FETCHES_PER_CONNECTION;
        for (int id = 1; id <= limit; id++) {
            assertThat(fetch.fetch(consumer, id, 1, 0, true)).isTrue(); // following: each stays open
        }
        // Each following fetch sends its entry and END_OF_LOG: 2 frames per fetch.
        Await.until("every fetch served", WAIT, () -> received.size() >= 2 * limit);
        assertThat(fetch.fetch(consumer, 1, 1, 0, true)).isTrue(); // the same id again: replaces fetch 1
        Await.until("fetch 1 served again", WAIT, () -> received.size() >= 2 * limit + 2);
        assertThat(fetch.fetch(consumer, limit + 1, 1, 0, true)).isTrue();
        Await.until("an answer to one fetch too many", WAIT, () -> received.size() >= 2 * limit + 3);
        Frame refused = received.get(2 * limit + 2);
        assertThat(refused.type()).isEqualTo(FrameType.ERROR);
        ErrorFrame error = new ErrorFrame();
        assertThat(error.wrap(new UnsafeBuffer(refused.bytes()), 0, refused.bytes().length)).isNull();
        assertThat(error.code()).isEqualTo(ErrorCode.BUSY);
        assertThat(error.correlationId()).isEqualTo(limit + 1);
        assertThat(error.message()).contains(limit + " fetches are open on this connection");
    }

    @Test
    void aFollowingFetchThatCatchesUpPastEntriesItDidNotSendSaysWhereItStands() {
        // A consumer learns its index from the entries it gets; no-ops (a new leader's first entry) go without a
        // frame. A bounded read whose end index is such an entry waited for it forever: END_OF_LOG came only once.
        Connection consumer = connect(new TransportConfig().clusterId(CLUSTER).nodeId(1).clientRingCapacity(64 * 1024));
        fetch = new FetchService(journal, commit::get, 1);
        fetch.start();
        append(1, 10);
        commit.set(1);
        assertThat(fetch.fetch(consumer, 7, 1, 0, true)).isTrue();
        Await.until("entry 1 and the first END_OF_LOG", WAIT, () -> received.size() >= 2);
        append(2, 10);
        append(3, 0);
        commit.set(3);
        Await.until("entry 2 and an END_OF_LOG past the no-op at 3", WAIT, () -> received.size() >= 4);
        append(4, 0);
        commit.set(4);
        Await.until("an END_OF_LOG past the no-op at 4", WAIT, () -> received.size() >= 5);
        append(5, 10);
        commit.set(5);
        Await.until("entry 5", WAIT, () -> received.size() >= 6);
        append(6, 0);
        commit.set(6);
        Await.until("an END_OF_LOG past the no-op at 6", WAIT, () -> received.size() >= 7);

        // After entry 5 the consumer knew where it stood: no END_OF_LOG came between it and the one after 6.
        assertThat(received).extracting(Frame::type).containsExactly(FrameType.ENTRIES, FrameType.END_OF_LOG,
            FrameType.ENTRIES, FrameType.END_OF_LOG, FrameType.END_OF_LOG, FrameType.ENTRIES, FrameType.END_OF_LOG);
        EndOfLogFrame endOfLog = new EndOfLogFrame();
        List<Long> nextIndexes = new ArrayList<>();
        for (Frame f : received) {
            if (f.type() == FrameType.END_OF_LOG) {
                assertThat(endOfLog.wrap(new UnsafeBuffer(f.bytes()), 0, f.bytes().length)).isNull();
                nextIndexes.add(endOfLog.nextIndex());
            }
        }
        assertThat(nextIndexes).containsExactly(2L, 4L, 5L, 7L);
    }

    @Test
    void aFaultInAMappedFileEndsOnlyTheFetchThatMetIt() {
        // A read of a mapped page the disk cannot deliver throws InternalError, not an exception: it ended the
        // whole fetch thread, and every consumer of the node waited in silence.
        Connection consumer = connect(new TransportConfig().clusterId(CLUSTER).nodeId(1).clientRingCapacity(64 * 1024));
        for (long i = 1; i <= 5; i++) {
            append(i, 100);
        }
        commit.set(5);
        fetch = new FetchService(failingToRead(journal, 3,
            () -> new InternalError("a fault occurred in an unsafe memory access operation")), commit::get, 1);
        fetch.start();

        assertThat(fetch.fetch(consumer, 7, 3, 1 << 16, false)).isTrue();
        Await.until("an ERROR", WAIT, () -> received.size() >= 1);
        ErrorFrame error = errorIn(received.get(0));
        assertThat(error.code()).isEqualTo(ErrorCode.STORAGE_FAILURE);
        assertThat(error.message()).contains("reading entry 3", "unsafe memory access");
        assertThat(fetch.fetch(consumer, 8, 4, 1 << 16, false)).isTrue();
        Await.until("the second fetch ends", WAIT, () -> received.size() >= 3);
        assertThat(received.subList(1, 3)).extracting(Frame::type).containsExactly(FrameType.ENTRIES, FrameType.END_OF_LOG);
        assertThat(fetch.stoppedMessage()).isNull();
    }

    @Test
    void aFetchThreadThatStopsTellsItsConsumersAndSaysWhyToLaterFetches() {
        Connection consumer = connect(new TransportConfig().clusterId(CLUSTER).nodeId(1).clientRingCapacity(64 * 1024));
        append(1, 10);
        commit.set(1);
        AtomicBoolean fault = new AtomicBoolean();
        fetch = new FetchService(journal, () -> {
            if (fault.get()) {
                throw new IllegalStateException("commit index unreadable (test)");
            }
            return commit.get();
        }, 1);
        fetch.start();
        assertThat(fetch.fetch(consumer, 7, 1, 0, true)).isTrue();
        Await.until("entry 1 and END_OF_LOG", WAIT, () -> received.size() >= 2);

        fault.set(true);
        Await.until("the following fetch is told", WAIT, () -> received.size() >= 3);
        ErrorFrame error = errorIn(received.get(2));
        assertThat(error.code()).isEqualTo(ErrorCode.STORAGE_FAILURE);
        assertThat(error.correlationId()).isEqualTo(7);
        assertThat(error.message()).contains("node 1 cannot serve fetches", "commit index unreadable (test)");
        assertThat(fetch.stoppedMessage()).isEqualTo(error.message());
    }

    @Test
    void aFollowingFetchOnANodeThatHasKnownNoLeaderOrStoodBehindTooLongEndsOnceItHasSentEverythingCommitted() {
        // A node cut off from the majority learns no new commits, yet answers its consumers' pings as live: a
        // consumer following it waited out the whole fault while the other nodes committed.
        Connection consumer = connect(new TransportConfig().clusterId(CLUSTER).nodeId(1).clientRingCapacity(64 * 1024));
        ScriptedStanding standing = new ScriptedStanding();
        AtomicLong leaderless = standing.leaderless;
        AtomicLong behind = standing.behind;
        AtomicLong leaderCommit = standing.leaderCommit;
        long limit = 1_000_000_000L;
        for (long i = 1; i <= 3; i++) {
            append(i, 10);
        }
        commit.set(3);
        fetch = new FetchService(journal, commit::get, 1, standing, limit);
        fetch.start();

        assertThat(fetch.fetch(consumer, 7, 1, 0, true)).isTrue();
        Await.until("entries 1-3 and END_OF_LOG", WAIT, () -> received.size() >= 2);
        append(4, 10);
        commit.set(4);
        Await.until("entry 4: with a leader the fetch follows", WAIT, () -> received.size() >= 3);
        leaderless.set(limit - 1);
        append(5, 10);
        commit.set(5);
        Await.until("entry 5: leaderless, but not for the limit yet", WAIT, () -> received.size() >= 4);

        leaderless.set(limit + 500_000_000L);
        Await.until("the caught-up fetch is told", WAIT, () -> received.size() >= 5);
        ErrorFrame error = errorIn(received.get(4));
        assertThat(error.code()).isEqualTo(ErrorCode.NO_LEADER);
        assertThat(error.failedType()).isEqualTo(FrameType.FETCH);
        assertThat(error.correlationId()).isEqualTo(7);
        assertThat(error.message()).contains("node 1 has known no leader for 1500 ms", "(up to 5)", "ask another node");

        // A following fetch from behind is first sent what the node has; a read without follow is not affected.
        assertThat(fetch.fetch(consumer, 8, 2, 0, true)).isTrue();
        Await.until("entries 2-5, END_OF_LOG and the error", WAIT, () -> received.size() >= 8);
        assertThat(errorIn(received.get(7)).correlationId()).isEqualTo(8);
        assertThat(fetch.fetch(consumer, 9, 1, 0, false)).isTrue();
        Await.until("entries 1-5 and END_OF_LOG", WAIT, () -> received.size() >= 10);

        // A leader again: a following fetch stays.
        leaderless.set(0);
        assertThat(fetch.fetch(consumer, 10, 6, 0, true)).isTrue();
        Await.until("END_OF_LOG at 6", WAIT, () -> received.size() >= 11);
        append(6, 10);
        commit.set(6);
        Await.until("entry 6", WAIT, () -> received.size() >= 12);

        // A leader it hears, but no entries: its commit index stood still below the leader's for the limit.
        leaderCommit.set(9);
        behind.set(limit);
        Await.until("the caught-up fetch is told it is behind", WAIT, () -> received.size() >= 13);
        ErrorFrame behindError = errorIn(received.get(12));
        assertThat(behindError.code()).isEqualTo(ErrorCode.BEHIND);
        assertThat(behindError.correlationId()).isEqualTo(10);
        assertThat(behindError.message()).contains("node 1 has committed nothing for 1000 ms while its leader committed up to 9",
            "(up to 6)", "ask another node");
        assertThat(received).extracting(Frame::type).containsExactly(
            FrameType.ENTRIES, FrameType.END_OF_LOG, FrameType.ENTRIES, FrameType.ENTRIES, FrameType.ERROR,
            FrameType.ENTRIES, FrameType.END_OF_LOG, FrameType.ERROR,
            FrameType.ENTRIES, FrameType.END_OF_LOG,
            FrameType.END_OF_LOG, FrameType.ENTRIES, FrameType.ERROR);
        EntriesDecoder entries = EntriesDecoder.forMaxFrameLength(1 << 16);
        Frame fromBehind = received.get(5);
        assertThat(entries.wrap(new UnsafeBuffer(fromBehind.bytes()), 0, fromBehind.bytes().length)).isNull();
        assertThat(entries.requestId()).isEqualTo(8);
        assertThat(entries.count()).isEqualTo(4);
        Frame last = received.get(11);
        assertThat(entries.wrap(new UnsafeBuffer(last.bytes()), 0, last.bytes().length)).isNull();
        assertThat(entries.requestId()).isEqualTo(10);
        assertThat(entries.index(0)).isEqualTo(6);
    }

    private static ErrorFrame errorIn(Frame f) {
        assertThat(f.type()).isEqualTo(FrameType.ERROR);
        ErrorFrame error = new ErrorFrame();
        assertThat(error.wrap(new UnsafeBuffer(f.bytes()), 0, f.bytes().length)).isNull();
        return error;
    }

    private static Journal failingToRead(Journal journal, long badIndex) {
        return failingToRead(journal, badIndex, () -> new JournalCorruptedException("entry " + badIndex + " is corrupt (test)"));
    }

    /** {@code journal}, whose readers throw {@code failure} on any read that covers {@code badIndex}. */
    private static Journal failingToRead(Journal journal, long badIndex, Supplier<Throwable> failure) {
        InvocationHandler handler = (proxy, method, args) -> {
            Object result = method.invoke(journal, args);
            if (!method.getName().equals("newReader")) {
                return result;
            }
            JournalReader reader = (JournalReader) result;
            return new JournalReader() {
                @Override
                public int read(long from, long to, int maxCount, long maxBytes, EntryConsumer consumer) {
                    if (from <= badIndex && badIndex <= to) {
                        Throwable t = failure.get();
                        if (t instanceof Error e) {
                            throw e;
                        }
                        throw (RuntimeException) t;
                    }
                    return reader.read(from, to, maxCount, maxBytes, consumer);
                }

                @Override
                public void close() {
                    reader.close();
                }
            };
        };
        return (Journal) Proxy.newProxyInstance(Journal.class.getClassLoader(), new Class<?>[] {Journal.class}, handler);
    }

    @Test
    void aFollowingFetchOnANodeWhoseRaftThreadIsStuckEndsOnceItHasSentEverythingCommitted() {
        // With its own transport thread, a node whose raft thread hangs (a write on a disk that does not return)
        // still answers pings, and what the raft thread last published says it knows a leader and keeps up.
        Connection consumer = connect(new TransportConfig().clusterId(CLUSTER).nodeId(1).clientRingCapacity(64 * 1024));
        ScriptedStanding standing = new ScriptedStanding();
        AtomicLong stalled = standing.stalled;
        standing.leaderCommit.set(3);
        long limit = 1_000_000_000L;
        for (long i = 1; i <= 3; i++) {
            append(i, 10);
        }
        commit.set(3);
        fetch = new FetchService(journal, commit::get, 1, standing, limit);
        fetch.start();

        stalled.set(limit - 1);
        assertThat(fetch.fetch(consumer, 7, 1, 0, true)).isTrue();
        Await.until("entries 1-3 and END_OF_LOG", WAIT, () -> received.size() >= 2);
        append(4, 10);
        commit.set(4);
        Await.until("entry 4: not stuck for the limit yet, the fetch follows", WAIT, () -> received.size() >= 3);

        stalled.set(limit + 200_000_000L);
        Await.until("the caught-up fetch is told", WAIT, () -> received.size() >= 4);
        ErrorFrame error = errorIn(received.get(3));
        assertThat(error.code()).isEqualTo(ErrorCode.BEHIND);
        assertThat(error.correlationId()).isEqualTo(7);
        assertThat(error.message()).contains("node 1 has handled nothing for 1200 ms (its raft thread is stuck)",
            "(up to 4)", "until it runs again", "ask another node");
        assertThat(received).extracting(Frame::type).containsExactly(
            FrameType.ENTRIES, FrameType.END_OF_LOG, FrameType.ENTRIES, FrameType.ERROR);
    }

    /** A node's standing as a test sets it: each figure as given, whatever the time. */
    private static final class ScriptedStanding implements NodeStanding {
        final AtomicLong leaderless = new AtomicLong();
        final AtomicLong behind = new AtomicLong();
        final AtomicLong leaderCommit = new AtomicLong();
        final AtomicLong stalled = new AtomicLong();

        @Override
        public long leaderlessNanos(long nowNanos) {
            return leaderless.get();
        }

        @Override
        public long behindNanos(long nowNanos) {
            return behind.get();
        }

        @Override
        public long leaderCommit() {
            return leaderCommit.get();
        }

        @Override
        public long stalledNanos(long nowNanos) {
            return stalled.get();
        }
    }

    private void append(long index, int userBytes) {
        if (userBytes == 0) {
            journal.append(index, 1, EntryType.NOOP, new UnsafeBuffer(new byte[0]), 0, 0);
            return;
        }
        UnsafeBuffer stored = new UnsafeBuffer(new byte[DataEntry.HEADER_LENGTH + userBytes]);
        DataEntry.writeHeader(stored, 0, 42, index);
        journal.append(index, 1, EntryType.DATA, stored, 0, stored.capacity());
    }

    /** The node side of a client connection: what the fetch thread sends on. */
    private Connection connect(TransportConfig nodeConfig) {
        node = new Transport(nodeConfig, new FrameHandler() {
            @Override
            public void onFrame(Connection c, int type, int flags, DirectBuffer buffer, int offset, int length) {
            }

            @Override
            public void onConnected(Connection c) {
                clients.add(c);
            }
        }).start();
        InetSocketAddress address = node.bind(new InetSocketAddress("127.0.0.1", 0));
        client = new Transport(new TransportConfig().clusterId(CLUSTER).role(Roles.CLIENT),
            (c, type, flags, buffer, offset, length) -> {
                byte[] copy = new byte[length];
                buffer.getBytes(offset, copy);
                received.add(new Frame(type, copy));
            }).start();
        Connection toNode = client.connect(address, false);
        Await.until("client connected", WAIT, () -> toNode.isActive() && clients.size() == 1);
        Connection c = clients.get(0);
        Await.until("node side active", WAIT, c::isActive);
        assertThat(c.maxSendLength()).isEqualTo(8 * 1024);
        return c;
    }
}
