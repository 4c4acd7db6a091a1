package io.raftlog.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlog.journal.FsyncPolicy;
import io.raftlog.journal.InMemoryJournal;
import io.raftlog.raft.RaftConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Client appends queue in the ring while their buffers hold less than the pipeline's byte budget, not only while
 * slots are free: thousands of client slots of the largest appends would otherwise be gigabytes of heap.
 */
class QueuedAppendBytesTest {

    @Test
    void appendsWaitingInTheRingAreBoundedInBytesAsWellAsSlots() {
        int maxAppendBytes = 64 * 1024; // a budget of 64 such appends: 4 MiB
        PipelineConfig config = PipelineConfig.defaults().withMaxAppendBytes(maxAppendBytes);
        // Not started: nothing consumes the ring, as when the raft thread is stalled in a slow write.
        RaftPipeline pipeline = new RaftPipeline(config, RaftConfig.defaults(1, new int[] {1}, 7),
            new InMemoryJournal(FsyncPolicy.NONE), new InMemoryCluster.MemoryHardState(), new TestPeerCodec(),
            (m, log) -> false, new NoAnswers(), PipelineListener.NONE);
        UnsafeBuffer payload = new UnsafeBuffer(new byte[maxAppendBytes - 64]);
        int accepted = 0;
        while (accepted < config.ringSize()) {
            PipelineEvent staged = pipeline.newStagingEvent().clientAppend(1, 9, accepted + 1, false);
            staged.reservePayloads(1, payload.capacity()).addPayload(payload, 0, payload.capacity());
            if (!pipeline.publishClientAppend(staged)) {
                break;
            }
            accepted++;
        }
        assertThat(accepted).as("appends queued before BUSY").isBetween(60, 64);
        assertThat(config.ringSize() - config.clientReserve()).as("slots client appends could use").isGreaterThan(1000);
        assertThat(pipeline.status().busyRejections()).isPositive();
    }

    /** The pipeline never runs here, so nothing is answered. */
    private static final class NoAnswers implements ClientResponder {
        @Override
        public void appendAcked(long connectionId, long clientId, long firstSequence, long firstIndex, int count) {
        }

        @Override
        public void appendFailed(long connectionId, long clientId, long firstSequence, AppendError error, int leaderId,
            String detail) {
        }
    }
}
