package io.raftlog.bench.net;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.raftlog.journal.EntryConsumer;
import io.raftlog.net.codec.EntryReader;
import io.raftlog.net.codec.PeerMessageCodec;
import io.raftlog.raft.EntrySource;
import io.raftlog.raft.EntryType;
import io.raftlog.raft.Message;
import io.raftlog.raft.MessageType;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode + decode of one AppendEntries frame with 64 entries of 128 bytes: the encoder reads the entries
 * from a journal-shaped {@link EntryReader} straight into a direct send buffer, the decoder walks them
 * and serves them as an {@link EntrySource} (every entry's term, type and bytes are touched).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED") // Agrona 2 reads Unsafe from there
public class AppendEntriesCodecBenchmark {
    static final int ENTRIES = 64;
    static final int PAYLOAD = 128;

    private final UnsafeBuffer journal = new UnsafeBuffer(ByteBuffer.allocateDirect(ENTRIES * PAYLOAD));
    private final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));
    private final PeerMessageCodec codec = new PeerMessageCodec(4 * 1024 * 1024);
    private final Message outgoing = new Message();
    private final Message incoming = new Message();
    private EntryReader reader;

    @Setup
    public void setUp() {
        for (int i = 0; i < journal.capacity(); i++) {
            journal.putByte(i, (byte) i);
        }
        // A stand-in journal: entry i (index 1001 + i) lives at i * PAYLOAD, as a memory-mapped journal hands it out.
        reader = this::read;
        outgoing.type = MessageType.APPEND;
        outgoing.from = 1;
        outgoing.to = 2;
        outgoing.term = 7;
        outgoing.prevLogIndex = 1000;
        outgoing.prevLogTerm = 7;
        outgoing.leaderCommit = 990;
        outgoing.entryCount = ENTRIES;
    }

    private int read(long fromIndex, int maxCount, long maxBytes, EntryConsumer consumer) {
        int n = 0;
        for (long index = fromIndex; n < maxCount && index <= 1000 + ENTRIES; index++) {
            n++;
            if (!consumer.accept(index, 7, EntryType.DATA, journal, (int) (index - 1001) * PAYLOAD, PAYLOAD)) {
                break;
            }
        }
        return n;
    }

    @Benchmark
    public long encodeAndDecode() {
        int length = codec.encode(outgoing, frame, 0, frame.capacity(), reader);
        if (codec.decode(frame, 0, length, incoming) != null) {
            throw new IllegalStateException("decode failed");
        }
        EntrySource entries = incoming.entries;
        long sum = 0;
        for (int i = 0; i < entries.count(); i++) {
            sum += entries.term(i) + entries.type(i) + entries.buffer(i).getByte(entries.offset(i) + entries.length(i) - 1);
        }
        return sum;
    }

    @Benchmark
    public int encodeOnly() {
        return codec.encode(outgoing, frame, 0, frame.capacity(), reader);
    }
}
