package io.raftlog.journal;

import java.nio.ByteBuffer;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The records of each document the writer wrote, handed to whichever thread copies them into the tail files
 * next (the flusher, or a follower's raft thread forcing a small batch), so that a flush need not read them back
 * from the cycle files.
 *
 * <p>Why: reading them back was about a third of the flusher's CPU in W1 with fsync (a pread of the
 * document, a parse and a checksum per record, a copy; perf, twenty-third session) and a tenth of a flush's
 * time. The writer has the records at hand, back to back in its staging area, when it writes the document:
 * one bulk copy into this ring costs it a few nanoseconds per record.
 *
 * <p>Only a shortcut. A message carries {@code [epoch][first index][count][records]}; the consumer
 * ({@link #drain}) takes from it the records that continue what the tail files hold, and reads anything it
 * lacks from the journal as before ({@link Sink#copyFromJournal}): a document the writer wrote without
 * offering it (a record written alone, a ring that was full), or what a message of an older epoch carried.
 * The writer starts a new epoch whenever written records stop being the log (a truncation of written entries,
 * a snapshot installed), under the journal's flush lock, which the consumer holds while it drains: so a record
 * taken from a message of the current epoch is, byte for byte, the journal's record at its index.
 *
 * <p>Threads: one producer (the journal's writer); one consumer at a time (the journal's flushes never overlap,
 * and each happens-before the next), as Agrona's {@link OneToOneRingBuffer} requires.
 */
final class TailHandoff {
    private static final int MESSAGE_TYPE = 1;
    private static final int EPOCH_OFFSET = 0;
    private static final int FIRST_OFFSET = 8;
    private static final int COUNT_OFFSET = 16;
    private static final int HEADER_LENGTH = 24;

    /** Where the consumer's records go. */
    interface Sink {
        /** Copies the journal's entries {@code [from, to]} into the tail files, reading them from the journal. */
        void copyFromJournal(long from, long to);

        /** Appends one whole entry record, {@code length} bytes at {@code at}, to the tail files. */
        void appendRecord(DirectBuffer buffer, int at, int length);
    }

    private final OneToOneRingBuffer ring;
    private final int maxRecordsPerMessage;
    private final Drain drain = new Drain();
    // writer thread
    private long offered;
    private long refused;

    /**
     * Checks a ring size given as {@code what} (an option or a property): 0 (no handoff) or a power of two of at
     * least 1 KiB; returns it.
     */
    static int checkedCapacity(long bytes, String what) {
        if (bytes != 0 && (bytes < 1024 || bytes > 1 << 30 || Long.bitCount(bytes) != 1)) {
            throw new IllegalArgumentException(what + " must be 0 or a power of two from 1 KiB to 1 GiB, got " + bytes
                + " bytes");
        }
        return (int) bytes;
    }

    /** @param capacity ring bytes, a power of two (at least 1 KiB; see {@link #checkedCapacity}) */
    TailHandoff(int capacity) {
        if (checkedCapacity(capacity, "tail handoff capacity") == 0) {
            throw new IllegalArgumentException("a tail handoff of 0 bytes is no handoff");
        }
        ByteBuffer memory = ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH);
        this.ring = new OneToOneRingBuffer(new UnsafeBuffer(memory));
        this.maxRecordsPerMessage = ring.maxMsgLength() - HEADER_LENGTH;
    }

    /**
     * Writer: offers the records of one written document, {@code count} entries from {@code firstIndex} lying back
     * to back in {@code records[offset, offset + length)}. False (and nothing offered) when the ring has no room or
     * the records are too large for one message; the consumer then reads them from the journal.
     */
    boolean offer(long epoch, long firstIndex, int count, DirectBuffer records, int offset, int length) {
        if (length > maxRecordsPerMessage) {
            refused++;
            return false;
        }
        int claim = ring.tryClaim(MESSAGE_TYPE, HEADER_LENGTH + length);
        if (claim <= 0) {
            refused++;
            return false;
        }
        MutableDirectBuffer b = ring.buffer();
        b.putLong(claim + EPOCH_OFFSET, epoch);
        b.putLong(claim + FIRST_OFFSET, firstIndex);
        b.putInt(claim + COUNT_OFFSET, count);
        b.putBytes(claim + HEADER_LENGTH, records, offset, length);
        ring.commit(claim);
        offered++;
        return true;
    }

    /**
     * Consumer: hands {@code sink} every entry from {@code next} on that the messages carry, in index order, filling
     * a gap before a message from the journal; messages of another epoch than {@code epoch} and records below
     * {@code next} are dropped. Stops before a message that starts past {@code to} (left for the next flush), so a
     * writer that keeps offering cannot keep a flush copying: at most one message's records go past {@code to}.
     * Returns the index after the last entry handed over ({@code next} if none). The caller holds the journal's
     * flush lock (see the class comment).
     */
    long drain(long next, long to, long epoch, Sink sink) {
        drain.begin(next, to, epoch, sink);
        long position;
        do {
            // A pass that only skipped the padding at the ring's end reads no message but moves on: go again.
            position = ring.consumerPosition();
            ring.controlledRead(drain);
        } while (!drain.stopped && ring.consumerPosition() != position);
        return drain.next;
    }

    /** Documents offered and refused since open (writer's counts; for tests and metrics). */
    long offered() {
        return offered;
    }

    long refused() {
        return refused;
    }

    /** Records handed to a sink from messages since open (consumers' count, for tests). */
    long taken() {
        return drain.taken;
    }

    private static final class Drain implements ControlledMessageHandler {
        private long next;
        private long to;
        private long epoch;
        private Sink sink;
        private boolean stopped;
        private long taken;

        void begin(long from, long upTo, long currentEpoch, Sink into) {
            this.next = from;
            this.to = upTo;
            this.epoch = currentEpoch;
            this.sink = into;
            this.stopped = false;
        }

        @Override
        public Action onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
            if (buffer.getLong(index + EPOCH_OFFSET) != epoch) {
                return Action.CONTINUE; // written before a truncation or snapshot: those records may not be the log
            }
            long first = buffer.getLong(index + FIRST_OFFSET);
            int count = buffer.getInt(index + COUNT_OFFSET);
            if (first + count <= next) {
                return Action.CONTINUE; // the tail files have all of it
            }
            if (first > to) {
                stopped = true;
                return Action.ABORT; // beyond this flush; kept for the next one
            }
            if (first > next) {
                sink.copyFromJournal(next, first - 1); // a document no message carried
                next = first;
            }
            int at = index + HEADER_LENGTH;
            int end = index + length;
            for (long i = first; i < first + count; i++) {
                int recordLength = RecordFormat.HEADER_LENGTH + buffer.getInt(at + RecordFormat.LENGTH_OFFSET);
                if (at + recordLength > end || buffer.getLong(at + RecordFormat.INDEX_OFFSET) != i) {
                    throw new IllegalStateException("tail handoff: the message of entries " + first + ".." + (first + count - 1)
                        + " does not hold entry " + i + " where it should");
                }
                if (i == next) {
                    sink.appendRecord(buffer, at, recordLength);
                    next++;
                    taken++;
                }
                at += recordLength;
            }
            return Action.CONTINUE;
        }
    }
}
