package io.raftlog.journal;

import java.util.List;
import java.util.function.Consumer;

import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

/**
 * How a {@link ChronicleJournal} is built: an immutable value, each setter returning a changed copy. The
 * defaults are what nodes run with; some read system properties so that A/B measurements can switch one
 * mechanism off ({@link #defaults()}). The default roll cycle is hourly with 2^32 documents per cycle: about
 * 1.19 M entries/s sustained for as long as the node runs (Chronicle's default daily cycle caps near 50 k/s
 * averaged), and hourly files give retention a fine grain.
 */
public final class JournalOptions {
    /**
     * The writer keeps the newest 16 MiB of records in memory ({@link RecentRecords}) for the leader's
     * reads. A follower keeping up lags by what is in flight to it: at most a pipelining window of
     * AppendEntries (a few thousand entries, a few MB even at 1 KiB entries), so 16 MiB serves it with
     * room to spare (about 100 k entries of 128 B) for one heap array per node; a follower further behind
     * (restarting, partitioned) is served from the files, as before.
     */
    public static final int DEFAULT_RECENT_RECORD_BYTES = 16 << 20;

    /**
     * Records staged for one document: 64 KiB holds a typical batch of the raft thread (64 entries of 1 KiB,
     * hundreds of small ones) in a few pages, and bounds the copy made at {@link ChronicleJournal#writePending()}. A document
     * must also stay well within Chronicle's mapping overlap, which this is, at its default block size.
     */
    public static final int DEFAULT_STAGING_BYTES = 64 * 1024;
    /**
     * 32 MiB tail files: a checkpoint (a force of 24 MiB of mapped pages) about twice a second at W1's rate
     * with fsync, and a replay at start of at most two of them. Measured in W1 with fsync (two runs
     * each): 16 and 32 MiB gave p99.9 of 40-56 ms, 64 MiB 82-86 ms, 128 MiB 124-137 ms (the checkpoint's
     * force competes with the flushes for the disk), at throughputs within the noise of each other.
     */
    static final long DEFAULT_TAIL_FILE_BYTES = 32L << 20;
    /**
     * 4 MiB of records handed from the writer to the flusher ({@link TailHandoff}): what W1k with fsync writes in
     * about 30 ms, against flushes a millisecond apart. A flusher further behind reads the rest from the journal.
     */
    static final int DEFAULT_TAIL_HANDOFF_BYTES = 4 << 20;
    /** A system call per half megabyte: W1 none 547-559k/s against 451-533k at 256 KiB (alternated, 2 pairs). */
    static final long DEFAULT_POPULATE_AHEAD_BYTES = 1L << 20;
    /**
     * A quarter of a page. W1 none, alternated against 4096 (7 pairs): 1024 faster in 6, median 714k vs 686k
     * appends/s; W1k none and W1 fsync mixed (2 pairs each). W2's single records (164 bytes) stay on the map.
     */
    static final int DEFAULT_FILE_WRITE_MIN_BYTES = 1024;
    /**
     * A page: a smaller document spans at most one page past its header's, which the tailer has just touched,
     * so pread's system call would cost more than it saves ({@link CycleFileReads}).
     */
    static final int DEFAULT_FILE_READ_MIN_BYTES = 4096;
    /**
     * Four times the leader's in-memory records ({@link #DEFAULT_RECENT_RECORD_BYTES}): a follower or consumer
     * that far behind still reads from memory, at 64 MiB of page cache per node ({@link JournalPretoucher}).
     */
    static final long DEFAULT_CACHED_BEHIND_BYTES = 64L << 20;
    /**
     * What the pretoucher adds to its thread's nice value ({@link ThreadNice}). W1 without fsync, alternated with
     * 0: p99.9 lower in 12 of 15 pairs, throughput within noise; W1 with fsync faster in 8 of 11. At 19 it fell
     * behind the writer (p99.9 22-35 ms). At 10 it gets about a twentieth of a core while four nice-0 threads
     * want both, against the twelfth it uses at W1's rate, and catches up whenever a core idles (about an eighth
     * of the time in W1 here).
     */
    static final int DEFAULT_BACKGROUND_NICE = 10;

    // Set only while a JournalOptions is being derived (copy(), then one field), never after it is returned.
    RollCycle rollCycle = rollCycleNamed(System.getProperty("raftlog.journal.rollCycle", "LARGE_HOURLY"));
    TimeProvider timeProvider;
    /*
     * A writer that died holding Chronicle's write lock or a half-written header (SIGKILL) blocks the next
     * appender for this long before Chronicle recovers it. Our writer holds both for one memcpy, and only one
     * process writes a node's journal, so a short timeout only speeds up restarts.
     */
    long lockTimeoutMillis = 1_000;
    int recentRecordBytes = DEFAULT_RECENT_RECORD_BYTES;
    long blockSize;
    long pretouchAheadBytes = Long.getLong("raftlog.journal.pretouchMiB", 32) << 20;
    int stagingBytes = DEFAULT_STAGING_BYTES;
    boolean tailWal = Boolean.parseBoolean(System.getProperty("raftlog.journal.tailWal", "true"));
    boolean tailDirect = Boolean.parseBoolean(System.getProperty("raftlog.journal.tailDirect", "true"));
    long tailFileBytes = Long.getLong("raftlog.journal.tailFileMiB", DEFAULT_TAIL_FILE_BYTES >> 20) << 20;
    int tailHandoffBytes = handoffBytesFromProperty();
    boolean releaseWrittenPages = Boolean.parseBoolean(System.getProperty("raftlog.journal.releaseWrittenPages", "true"));
    long populateAheadBytes = Long.getLong("raftlog.journal.populateKiB", DEFAULT_POPULATE_AHEAD_BYTES >> 10) << 10;
    int fileWriteMinBytes = Integer.getInteger("raftlog.journal.fileWriteMinBytes", DEFAULT_FILE_WRITE_MIN_BYTES);
    int fileReadMinBytes = Integer.getInteger("raftlog.journal.fileReadMinBytes", DEFAULT_FILE_READ_MIN_BYTES);
    boolean writeBehind = Boolean.parseBoolean(System.getProperty("raftlog.journal.writeBehind", "true"));
    long cachedBehindBytes = Long.getLong("raftlog.journal.cachedBehindMiB", DEFAULT_CACHED_BEHIND_BYTES >> 20) << 20;
    int backgroundNice = requireNice(Integer.getInteger("raftlog.journal.backgroundNice", DEFAULT_BACKGROUND_NICE),
        "raftlog.journal.backgroundNice");

    private JournalOptions() {
    }

    /**
     * A Chronicle roll cycle by its constant's name: LARGE_HOURLY and the other large cycles, or the test
     * cycles (TEST_SECONDLY rolls every second: how the retention tests with real processes get many files).
     */
    static RollCycle rollCycleNamed(String name) {
        for (Class<? extends Enum<?>> cycles : List.of(LargeRollCycles.class, TestRollCycles.class)) {
            for (Enum<?> c : cycles.getEnumConstants()) {
                if (c.name().equals(name.trim())) {
                    return (RollCycle) c;
                }
            }
        }
        throw new IllegalArgumentException("raftlog.journal.rollCycle: unknown roll cycle '" + name
            + "', expected LARGE_HOURLY (the default), LARGE_DAILY or TEST_SECONDLY");
    }

    /** {@code raftlog.journal.tailHandoffKiB}, checked here: a bad value must not surface halfway through an open. */
    private static int handoffBytesFromProperty() {
        long kib = Long.getLong("raftlog.journal.tailHandoffKiB", DEFAULT_TAIL_HANDOFF_BYTES >> 10);
        // Range first, so that the shift cannot wrap a huge value into a valid-looking one.
        long bytes = kib < 0 || kib > 1 << 20 ? -1 : kib << 10;
        return TailHandoff.checkedCapacity(bytes, "raftlog.journal.tailHandoffKiB (got " + kib + " KiB)");
    }

    private static int requireNice(int increment, String what) {
        if (increment < 0 || increment > ThreadNice.MAX_NICE) {
            throw new IllegalArgumentException(what + " must be in 0.." + ThreadNice.MAX_NICE + ", got " + increment);
        }
        return increment;
    }

    private static void requireNonNegative(long bytes, String what) {
        if (bytes < 0) {
            throw new IllegalArgumentException(what + " must be >= 0, got " + bytes);
        }
    }

    /** A copy of these options with one change applied. */
    private JournalOptions with(Consumer<JournalOptions> change) {
        JournalOptions o = copy();
        change.accept(o);
        return o;
    }

    private JournalOptions copy() {
        JournalOptions o = new JournalOptions();
        o.rollCycle = rollCycle;
        o.timeProvider = timeProvider;
        o.lockTimeoutMillis = lockTimeoutMillis;
        o.recentRecordBytes = recentRecordBytes;
        o.blockSize = blockSize;
        o.pretouchAheadBytes = pretouchAheadBytes;
        o.stagingBytes = stagingBytes;
        o.tailWal = tailWal;
        o.tailDirect = tailDirect;
        o.tailFileBytes = tailFileBytes;
        o.tailHandoffBytes = tailHandoffBytes;
        o.releaseWrittenPages = releaseWrittenPages;
        o.populateAheadBytes = populateAheadBytes;
        o.fileWriteMinBytes = fileWriteMinBytes;
        o.fileReadMinBytes = fileReadMinBytes;
        o.writeBehind = writeBehind;
        o.cachedBehindBytes = cachedBehindBytes;
        o.backgroundNice = backgroundNice;
        return o;
    }

    /**
     * The defaults, some of which system properties change for A/B measurements:
     * {@code raftlog.journal.pretouchMiB} (32: several of the kernel's 8 MiB fault read-ahead windows, a
     * quarter of a second of journal at W1's rate; 0 turns the pretoucher off), {@code raftlog.journal.tailWal},
     * {@code raftlog.journal.tailDirect}, {@code raftlog.journal.tailFileMiB}, {@code raftlog.journal.tailHandoffKiB}
     * (4096; 0 turns it off), {@code raftlog.journal.releaseWrittenPages},
     * {@code raftlog.journal.populateKiB} (1024; 0 turns it off), {@code raftlog.journal.fileWriteMinBytes}
     * (1024; 0 turns it off), {@code raftlog.journal.fileReadMinBytes} (4096; 0 turns it off) and
     * {@code raftlog.journal.writeBehind}, {@code raftlog.journal.cachedBehindMiB} (64; -1 leaves the written
     * pages to the kernel) and {@code raftlog.journal.backgroundNice} (10; 0 leaves the pretoucher's priority as
     * it is). {@code raftlog.journal.rollCycle} (LARGE_HOURLY) is for tests of retention with real processes;
     * a journal keeps the cycle it was created with.
     */
    public static JournalOptions defaults() {
        return new JournalOptions();
    }

    public JournalOptions rollCycle(RollCycle cycle) {
        return with(o -> o.rollCycle = cycle);
    }

    /** Tests roll files on demand with a settable clock. */
    public JournalOptions timeProvider(TimeProvider provider) {
        return with(o -> o.timeProvider = provider);
    }

    /**
     * Bytes of recent records the writer keeps in memory for its own reads (rounded up to a power of two;
     * 0 keeps none). Records larger than a quarter of it are not kept.
     */
    public JournalOptions recentRecordBytes(int bytes) {
        if (bytes < 0 || bytes > 1 << 30) {
            throw new IllegalArgumentException("recent record bytes " + bytes + " outside [0, 2^30]");
        }
        return with(o -> o.recentRecordBytes = bytes);
    }

    /** Chronicle's mapping chunk size (0: Chronicle's default); tests make it small to cross chunks often. */
    JournalOptions blockSize(long bytes) {
        return with(o -> o.blockSize = bytes);
    }

    /** How far ahead of the writer {@link JournalPretoucher} reads the cycle file into memory; 0 turns it off. */
    public JournalOptions pretouchAheadBytes(long bytes) {
        requireNonNegative(bytes, "pretouch distance");
        return with(o -> o.pretouchAheadBytes = bytes);
    }

    /**
     * Bytes of records batched into one document before {@link ChronicleJournal#writePending()} (or a record that would
     * not fit) writes them; a record larger than this goes alone in its own document. At least one header.
     */
    public JournalOptions stagingBytes(int bytes) {
        if (bytes < RecordFormat.HEADER_LENGTH || bytes > RecordFormat.MAX_PAYLOAD) {
            throw new IllegalArgumentException("staging bytes " + bytes + " outside [" + RecordFormat.HEADER_LENGTH
                + ", " + RecordFormat.MAX_PAYLOAD + "]");
        }
        return with(o -> o.stagingBytes = bytes);
    }

    /**
     * Under {@link FsyncPolicy.Mode#BATCH}, whether flushes force a plain copy of the newest records
     * ({@link TailWal}) instead of the mapped cycle files.
     */
    public JournalOptions tailWal(boolean on) {
        return with(o -> o.tailWal = on);
    }

    /** Whether the tail files are written with O_DIRECT where the file system allows it ({@link TailFile#openEmpty}). */
    public JournalOptions tailDirect(boolean on) {
        return with(o -> o.tailDirect = on);
    }

    /**
     * Size of each of the two tail files: a checkpoint (a force of the cycle files) comes every three
     * quarters of it. Tests make it small to switch files often.
     */
    JournalOptions tailFileBytes(long bytes) {
        if (bytes < 4096) {
            throw new IllegalArgumentException("tail file bytes " + bytes + " below 4096");
        }
        return with(o -> o.tailFileBytes = bytes);
    }

    /**
     * Bytes of the ring in which the writer hands its written records to the flusher ({@link TailHandoff}): a power
     * of two of at least 1 KiB, or 0 to have every flush read them back from the journal.
     */
    JournalOptions tailHandoffBytes(int bytes) {
        TailHandoff.checkedCapacity(bytes, "tail handoff bytes");
        return with(o -> o.tailHandoffBytes = bytes);
    }

    /**
     * Whether the writer drops its mapping of what it finished writing ({@link WriterPageTables}); off, the
     * pages stay mapped until Chronicle moves to its next chunk (tests that observe dirty pages through the
     * mapping turn it off).
     */
    JournalOptions releaseWrittenPages(boolean on) {
        return with(o -> o.releaseWrittenPages = on);
    }

    /**
     * Documents of at least this many bytes have their bytes written into the cycle file with pwrite
     * ({@link CycleFileWrites}) instead of copied through the map; 0 copies every document through the map.
     */
    JournalOptions fileWriteMinBytes(int bytes) {
        requireNonNegative(bytes, "smallest document written through the file");
        return with(o -> o.fileWriteMinBytes = bytes);
    }

    /**
     * Documents of at least this many bytes are copied out of the cycle file with pread by the journal's
     * readers ({@link CycleFileReads}) instead of through the map; 0 copies every document through the map.
     */
    JournalOptions fileReadMinBytes(int bytes) {
        requireNonNegative(bytes, "smallest document read from the file");
        return with(o -> o.fileReadMinBytes = bytes);
    }

    /**
     * How far ahead of its write position the writer has its mapping's page-table entries filled in, half of
     * it per system call ({@link WriterPageTables}); 0 leaves every page to fault on first write.
     */
    JournalOptions populateAheadBytes(long bytes) {
        requireNonNegative(bytes, "populate distance");
        return with(o -> o.populateAheadBytes = bytes);
    }

    /**
     * Under fsync=batch with tail files, and under fsync=none, whether the pretoucher thread also writes the
     * cycle files back a megabyte at a time behind the writer: with tail files a checkpoint then finds little
     * left to force; without fsync the kernel's own write-back no longer arrives in bursts of gigabytes.
     */
    JournalOptions writeBehind(boolean on) {
        return with(o -> o.writeBehind = on);
    }

    /**
     * With write-behind, how much of the journal behind the written-back part stays in the page cache; the
     * pretoucher drops pages further behind so that new pages reuse them ({@link JournalPretoucher}). Negative:
     * drop nothing.
     */
    JournalOptions cachedBehindBytes(long bytes) {
        return with(o -> o.cachedBehindBytes = bytes);
    }

    /**
     * What the pretoucher thread adds to its nice value, 0..19 ({@link ThreadNice}): its work has slack, the raft
     * thread's and the flusher's does not. 0 leaves it at the process's priority.
     */
    JournalOptions backgroundNice(int increment) {
        requireNice(increment, "background nice increment");
        return with(o -> o.backgroundNice = increment);
    }
}
