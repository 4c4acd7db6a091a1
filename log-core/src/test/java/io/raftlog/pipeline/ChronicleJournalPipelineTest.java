package io.raftlog.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.raftlog.journal.ChronicleJournal;
import io.raftlog.journal.FsyncPolicy;
import io.raftlog.journal.JournalReader;
import io.raftlog.raft.EntryType;
import io.raftlog.raft.RaftConfig;
import io.raftlog.raft.Role;

/**
 * A single-node pipeline on the Chronicle journal, which stages appends and writes each batch as one
 * document: the leader commits in the batch that wrote its entries (inline flush) or as soon as the flusher
 * forced them, and another thread that reads up to the published commit index, as the fetch service does,
 * must always find every entry up to it on file.
 */
class ChronicleJournalPipelineTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"batch", "none"})
    void aReaderUpToThePublishedCommitIndexAlwaysFindsEveryEntry(String fsync) throws Exception {
        FsyncPolicy policy = FsyncPolicy.parse(fsync);
        int appends = 2_000;
        int perAppend = 5;
        AtomicLong acked = new AtomicLong();
        AtomicReference<String> refused = new AtomicReference<>();
        ClientResponder responder = new ClientResponder() {
            @Override
            public void appendAcked(long connectionId, long clientId, long firstSequence, long firstIndex, int count) {
                acked.addAndGet(count);
            }

            @Override
            public void appendFailed(long connectionId, long clientId, long firstSequence, AppendError error, int leaderId,
                                     String detail) {
                refused.set(error + " " + detail);
            }
        };
        try (ChronicleJournal journal = ChronicleJournal.open(dir.resolve("journal"), policy)) {
            RaftPipeline pipeline = new RaftPipeline(PipelineConfig.defaults().withTickMillis(5), RaftConfig.defaults(1, new int[] {1}, 7)
                .withTicks(10, 2), journal, new InMemoryCluster.MemoryHardState(), new TestPeerCodec(), (m, log) -> false,
                responder, PipelineListener.NONE);
            pipeline.start();
            try {
                Await.until("leadership", Duration.ofSeconds(10), () -> pipeline.status().role() == Role.LEADER);
                AtomicReference<Throwable> failure = new AtomicReference<>();
                long total = appends * (long) perAppend + 1; // plus the leader's no-op
                AtomicLong readUpTo = new AtomicLong(); // the reader's progress: the last index it read
                Thread fetch = new Thread(() -> {
                    long next = 1;
                    try (JournalReader reader = journal.newReader()) {
                        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                        while (next <= total && System.nanoTime() < deadline) {
                            long commit = pipeline.status().commitIndex();
                            if (commit < next) {
                                Thread.onSpinWait();
                                continue;
                            }
                            long from = next;
                            int n = reader.read(from, commit, 100_000, Long.MAX_VALUE, (i, t, ty, b, o, l) -> true);
                            if (n != commit - from + 1) {
                                throw new AssertionError("commit index " + commit + " published but only " + n
                                    + " entries from " + from + " could be read");
                            }
                            next += n;
                            readUpTo.set(next - 1);
                        }
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                }, "fetch-like-reader");
                fetch.start();
                byte[] payload = new byte[40];
                for (int a = 0; a < appends; a++) {
                    long window = (a - 100L) * perAppend; // at most 100 appends waiting: never BUSY
                    Await.until("acks to catch up", Duration.ofSeconds(10), () -> acked.get() >= window);
                    PipelineEvent staged = pipeline.newStagingEvent().clientAppend(1, 9, 1 + (long) a * perAppend, false);
                    for (int k = 0; k < perAppend; k++) {
                        payload[0] = (byte) k;
                        staged.addPayload(new UnsafeBuffer(payload), 0, payload.length);
                    }
                    while (!pipeline.publishClientAppend(staged)) {
                        Thread.onSpinWait();
                    }
                }
                Await.until("every append acknowledged", Duration.ofSeconds(30), () -> acked.get() == appends * (long) perAppend);
                fetch.join(60_000);
                assertThat(refused.get()).isNull();
                assertThat(failure.get()).isNull();
                // The reader stops quietly at its deadline: it must have read every entry, not just none wrongly.
                assertThat(fetch.isAlive()).as("the reader thread ended").isFalse();
                assertThat(readUpTo.get()).as("the last index the reader read").isEqualTo(total);
                assertThat(pipeline.status().commitIndex()).isEqualTo(total);
                assertThat(journal.durableIndex()).isEqualTo(total);
            } finally {
                pipeline.close();
            }
        }
        try (ChronicleJournal reopened = ChronicleJournal.open(dir.resolve("journal"), policy)) {
            assertThat(reopened.lastIndex()).isEqualTo(appends * (long) perAppend + 1);
            assertThat(reopened.termAt(1)).isPositive();
            byte[] type = new byte[1];
            reopened.read(1, 1, Long.MAX_VALUE, (i, t, ty, b, o, l) -> {
                type[0] = ty;
                return false;
            });
            assertThat(type[0]).isEqualTo(EntryType.NOOP);
        }
    }
}
