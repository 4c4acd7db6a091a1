package io.raftlog.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.raftlog.journal.FsyncPolicy;
import io.raftlog.journal.InMemoryJournal;
import io.raftlog.raft.RaftConfig;
import io.raftlog.raft.Role;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The raft thread's event handler driven directly, one event at a time on the test's thread: no ring, no other
 * thread, so a fault can be placed at an exact point of an event's handling.
 */
class RaftDriverTest {
    private static final int[] MEMBERS = {1};
    /** A single node elects itself whatever the seed; fixed so that a run repeats exactly. */
    private static final long SEED = 1;
    private static final String MAPPED_FAULT = "a fault occurred in a recent unsafe memory access operation in compiled Java code";

    /** Every answer the driver gave a client: "acked 7/1" or "failed 7/1 NOT_LEADER". */
    private final List<String> answers = new ArrayList<>();
    private final NodeStatus status = new NodeStatus(1, MEMBERS);
    private volatile Throwable halted;

    @Test
    void aClientAppendWhoseEventFailsOnlyInItsReleaseIsAnsweredOnce() {
        // A fault of a write through the journal's map surfaces as an InternalError at some later point of the
        // raft thread, possibly in the release of the event that wrote. The append was handled in full and
        // waits to commit: the halt answers it with the other pending appends, and the catch around the
        // release answered it a second time.
        SlotBufferPool pool = new SlotBufferPool(4, 1 << 20, 64 << 20);
        FaultingBuffer borrowed = new FaultingBuffer(4096);
        pool.release(borrowed); // the next buffer a slot borrows
        FaultyJournal disk = new FaultyJournal(new InMemoryJournal(FsyncPolicy.NONE)); // NONE: no flusher thread
        RaftDriver driver = driver(disk);
        PipelineEvent slot = new PipelineEvent(64, pool);
        for (int tick = 0; tick < 1000 && status.role() != Role.LEADER; tick++) {
            slot.control(EventKind.TICK);
            driver.onEvent(slot, tick, true);
        }
        assertThat(status.role()).as("the single node elected itself").isEqualTo(Role.LEADER);

        byte[] payload = new byte[1000]; // larger than the slot keeps: the slot borrows the pool's buffer
        slot.clientAppend(5, 7, 1, false).reservePayloads(1, payload.length).addPayload(new UnsafeBuffer(payload), 0,
            payload.length);
        assertThat(slot.buffer()).isSameAs(borrowed);
        disk.afterAppend = () -> borrowed.faulted = true; // the write "faults" later: when the slot gives the buffer back
        driver.onEvent(slot, 1000, true);

        assertThat(halted).as("the node halted").isNotNull();
        Throwable fault = halted;
        while (fault.getCause() != null) {
            fault = fault.getCause();
        }
        assertThat(fault).isInstanceOf(InternalError.class);
        assertThat(Arrays.stream(fault.getStackTrace()).anyMatch(f -> f.getClassName().equals(SlotBufferPool.class.getName())
            && f.getMethodName().equals("release"))).as("the fault came in the slot's release").isTrue();
        assertThat(disk.lastIndex()).as("the append reached the journal").isEqualTo(2);
        assertThat(answers).containsExactly("failed 7/1 NOT_LEADER");
    }

    private RaftDriver driver(FaultyJournal disk) {
        RaftConfig raft = RaftConfig.defaults(1, MEMBERS, SEED).withTicks(10, 2);
        ClientResponder responder = new ClientResponder() {
            @Override
            public void appendAcked(long connectionId, long clientId, long firstSequence, long firstIndex, int count) {
                answers.add("acked " + clientId + "/" + firstSequence);
            }

            @Override
            public void appendFailed(long connectionId, long clientId, long firstSequence, AppendError error,
                int leaderId, String detail) {
                answers.add("failed " + clientId + "/" + firstSequence + " " + error);
            }
        };
        PipelineListener listener = new PipelineListener() {
            @Override
            public void halted(Throwable cause) {
                halted = cause;
            }
        };
        return new RaftDriver(PipelineConfig.defaults(), raft, disk, new InMemoryCluster.MemoryHardState(),
            new TestPeerCodec(), (m, log) -> false, responder, listener, status, null);
    }

    /** A pool buffer that, once {@link #faulted}, throws what the JVM throws for a faulted access through a map. */
    private static final class FaultingBuffer extends ExpandableArrayBuffer {
        volatile boolean faulted;

        FaultingBuffer(int capacity) {
            super(capacity);
        }

        @Override
        public int capacity() {
            if (faulted) {
                throw new InternalError(MAPPED_FAULT);
            }
            return super.capacity();
        }
    }
}
