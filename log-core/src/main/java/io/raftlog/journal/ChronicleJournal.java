package io.raftlog.journal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.raftlog.raft.EntryType;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.StoreFileListener;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The Raft log of a node on a Chronicle Queue (memory-mapped, append-only files, one per roll cycle).
 *
 * <p>Format: appended entries are staged and written many records to a document at {@link #writePending()}
 * (a record larger than the staging area, and every marker, gets a document of its own); see
 * {@link RecordFormat}. Only written records are published to the flusher and to other threads' readers.
 * Truncation is a record; so is a
 * compaction; a torn tail found at start-up is voided by a recovery record. At start-up every record is
 * read once, checked (CRC32C) and replayed into an in-memory {@link LogState}: where each Raft index lives
 * (a few segments, not a slot per entry) and the term runs, so reads are O(1) (a segment look-up plus
 * Chronicle's own index) and {@code termAt} never touches the files.
 *
 * <p>Durability: writes go to the mapped files (page cache). {@link #flush()} forces them with
 * {@code FileChannel.force} on each cycle file written since the last flush; on Linux that writes back the
 * pages dirtied through the mapping (the mapping and the file share the page cache), which
 * {@code ChronicleJournalDurabilityTest} checks through the mapping's dirty-page count. It runs on the
 * flusher thread without touching Chronicle's appender, so the raft thread keeps appending meanwhile.
 * Under {@link FsyncPolicy.Mode#BATCH} (unless {@link JournalOptions#tailWal} is off) a flush instead copies the newly
 * written entries into plain tail files and forces those, which is several times faster than forcing a
 * mapping; a checkpoint thread forces the cycle files in the background and the tail files are replayed at
 * open over whatever the cycle files lost ({@link TailWal}).
 *
 * <p>Threads: see {@link Journal}. The writer publishes its last written index with a release store in
 * {@link #writePending()}; truncation and the flusher's bookkeeping meet in one small lock that the append path never takes.
 */
public final class ChronicleJournal implements Journal, ChronicleJournalReader.Source {

    static {
        ChronicleSettings.apply();
    }

    private static final Logger LOG = LoggerFactory.getLogger(ChronicleJournal.class);
    /** countWithin's consumer where it reads from the files: the reader sums the lengths. */
    private static final EntryConsumer COUNT_ONLY = (i, t, ty, b, o, l) -> true;


    /** Entries copied into the tail file per read of the journal (bounds one read; the copy loops). */
    private static final int TAIL_COPY_ENTRIES = 4096;

    private final Path dir;
    /**
     * A document write failed (a full disk faults a write through the map), or the owner abandoned the journal:
     * the files may end in a torn record, so nothing more is written and the close is not a clean one. Set by the
     * writer, read by whichever thread closes.
     */
    private volatile boolean writeFailed;
    /** The interval policy's background fsync failed: every flush() from then on reports it. */
    private volatile Throwable periodicSyncFailure;
    private final FsyncPolicy policy;
    private final RollCycle rollCycle;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final LogState state = new LogState();
    private final ChronicleJournalReader ownReader;
    private final JournalPretoucher pretoucher;
    /** Where compaction puts the files it drops, for a thread of its own to delete. */
    private final CycleFileTrash trash;
    /** cycle -> its file, learnt from Chronicle as it acquires each file (from any thread). */
    private final ConcurrentSkipListMap<Integer, File> cycleFiles = new ConcurrentSkipListMap<>();

    /** The newest entry records, for the writer's own reads; each entry's record is copied in from the staging area. */
    private final RecentRecords recent;
    /**
     * Entry records appended but not yet written, back to back exactly as they will lie in their document
     * ({@link #writePending()} copies them in one piece). {@code stagedStart[k]} is where the record of entry
     * {@code stagedFirst + k} starts; a record is at least a header long, so the count is bounded too.
     */
    private final UnsafeBuffer staging;
    private final int[] stagedStart;
    private int stagedCount;
    private int stagedBytes;
    private long stagedFirst;
    /** The last entry in a written document (the writer's own: readers see it once published). */
    private long writtenLast;
    /** Payload bytes appended since open (writer thread; see {@link #appendedBytes()}). */
    private long appendedBytes;
    /** Where records not kept in {@link #recent} (markers, oversized entries) are encoded. */
    private UnsafeBuffer scratch = new UnsafeBuffer(new byte[64 * 1024]);
    /** Wraps the mapped destination of one record for a single Unsafe.copyMemory (see {@link #copyInto}). */
    private final UnsafeBuffer mappedRecord = new UnsafeBuffer();
    /**
     * The writer's page-table entries: filled in ahead after documents copied through the map, dropped behind so
     * write-back needs no TLB shoot-down per page; null where unsupported.
     */
    private final WriterPageTables pageTables;
    /** Writes large documents' bytes with pwrite instead of through the map; null: always through the map. */
    private final CycleFileWrites fileWrites;
    /** Readers copy documents of at least this many bytes out with pread ({@link CycleFileReads}); 0: never. */
    private final int fileReadMinBytes;
    /** Records copied into the map in one piece (of which: reaching into the overlap) or by Chronicle (for tests). */
    private long contiguousCopies;
    private long overlapCopies;
    private long chunkedCopies;
    private final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    private final UnsafeBuffer compactPayload = new UnsafeBuffer(new byte[8]);
    private int lastWrittenCycle = Integer.MIN_VALUE;
    private boolean closed;

    // Shared with the flusher and readers.
    private final AtomicLong publishedLast = new AtomicLong();
    private volatile long publishedFirst;
    /** Opening only: the tail files' first read, for the scan (where they hold the log) and then their replay. */
    private TailReplay.Plan tailPlan;
    /**
     * Tests only: runs inside {@link #installSnapshot} once the cycle files got the marker (in the page cache, not
     * forced), where a test copies the files as a process killed at that point would leave them.
     */
    Runnable afterSnapshotMarkerWritten = () -> { };
    /**
     * Tests only: runs inside {@link #compactBefore} once the cycle files got the marker (in the page cache, not
     * forced), where a test copies the files as a power cut during the marker's force may leave them.
     */
    Runnable afterCompactionMarkerWritten = () -> { };
    private volatile int writtenCycle = Integer.MIN_VALUE;
    private final AtomicLong durable = new AtomicLong();
    private final Object flushLock = new Object();
    /** Lowest index truncated to since the current flush started (guarded by flushLock). */
    private long truncatedTo = Long.MAX_VALUE;

    /**
     * The entries up to here (as the log holds them now) are in the tail file; guarded by flushLock. A
     * truncation lowers it, so the next flush copies the replacing entries.
     */
    private long tailLast;

    // Flusher-owned (guarded by forceLock: the flusher, the interval thread and compaction may force).
    private final Object forceLock = new Object();
    /** BATCH's durable copy of the newest entries (null: flushes force the cycle files); used under tailLock. */
    private final TailWal tailWal;
    private final Object tailLock = new Object();
    /** The flusher's reader, copying written entries into the tail file. */
    private ChronicleJournalReader tailReader;
    private final EntryConsumer copyToTail = this::copyToTail;
    /** The writer's records for the tail files, so that flushes need not read them back; null: they always do. */
    private final TailHandoff handoff;
    private final TailHandoff.Sink handoffSink = new TailHandoff.Sink() {
        @Override
        public void copyFromJournal(long from, long to) {
            copyFromJournalToTail(from, to);
        }

        @Override
        public void appendRecord(DirectBuffer buffer, int at, int length) {
            tailWal.appendRecord(buffer, at, length);
        }
    };
    /**
     * Starts anew whenever written records stop being the log (a truncation of written entries, a snapshot): the
     * handoff's messages of an older epoch are dropped. Changed by the writer under flushLock, read under it by
     * flushes (and by the writer, its only writer, without it).
     */
    private long handoffEpoch;
    /** Entries flushes read back from the journal for the tail files (under flushLock; for tests). */
    private long readBackForTail;
    private final Map<Integer, FileChannel> channels = new TreeMap<>();
    private int lastForcedCycle = Integer.MIN_VALUE;
    private long forces;
    /**
     * The queue index of the last document written (writer; -1 before any): what a force that starts now makes
     * durable, for the seal ({@link #forceWrittenAndSeal}).
     */
    private volatile long writtenDocument = -1;
    /** The document the seal on file names (under forceLock): seals only ever move forward. */
    private long sealedDocument = -1;

    private final Thread intervalSyncer;
    private volatile boolean stopping;

    private ChronicleJournal(Path dir, FsyncPolicy policy, JournalOptions options) {
        this.dir = dir;
        this.trash = new CycleFileTrash(dir, "raftlog-journal-trash-" + dir.getFileName());
        this.policy = policy;
        this.rollCycle = options.rollCycle;
        this.pageTables = WriterPageTables.create(options.releaseWrittenPages, options.populateAheadBytes);
        this.fileWrites = CycleFileWrites.forDocumentsOf(options.fileWriteMinBytes);
        this.fileReadMinBytes = options.fileReadMinBytes;
        this.recent = new RecentRecords(options.recentRecordBytes);
        this.staging = new UnsafeBuffer(new byte[options.stagingBytes]);
        this.stagedStart = new int[options.stagingBytes / RecordFormat.HEADER_LENGTH];
        MonotonicClock clock = new MonotonicClock(options.timeProvider);
        this.queue = buildQueue(dir, options, false, new StoreFileListener() {
            @Override
            public void onAcquired(int cycle, File file) {
                // Chronicle runs this on a background thread, some time after the file was acquired, so it is
                // only a backstop: the files are registered synchronously at start-up and on every roll. A file
                // dropped since (a compaction, or the open's drop of what a kill left) must not come back.
                if (file.exists()) {
                    cycleFiles.putIfAbsent(cycle, file);
                }
            }

            @Override
            public void onReleased(int cycle, File file) {
                // kept: the flusher may still need to force a released file
            }
        }, clock);
        if (queue.lastCycle() != Integer.MIN_VALUE) {
            clock.raiseTo(startOfCycle(rollCycle, queue.lastCycle())); // before anything is written: see MonotonicClock
        }
        boolean ok = false;
        try {
            tailPlan = TailReplay.plan(dir);
            JournalScan.Result scan;
            try (ExcerptTailer tailer = queue.createTailer()) {
                scan = JournalScan.scan(tailer, rollCycle, this::fileName, state, null, fileReadMinBytes,
                    tailPlan);
            } catch (AssertionError | Exception e) {
                if (e instanceof JournalCorruptedException jce) {
                    throw jce;
                }
                // Chronicle's own reading of a damaged file fails in its own ways (assertions, index errors, and a
                // StreamCorruptedException it throws undeclared that names no file: the first headers tell which)
                String damaged = CycleFileHeaders.damagedFile(dir);
                throw new JournalCorruptedException((damaged != null ? damaged : "journal " + dir + " cannot be read (" + e + ")")
                    + "; refusing to open (restore this node from a peer)");
            }
            long chronicleLast;
            try {
                chronicleLast = queue.lastIndex();
            } catch (AssertionError | RuntimeException e) {
                chronicleLast = Long.MAX_VALUE; // Chronicle cannot find its own end: treat it as a hole, repair
            }
            String sealBroken = CleanCloseSeal.contradiction(CleanCloseSeal.read(dir), scan, this::describe);
            if (sealBroken != null) {
                throw new JournalCorruptedException("journal " + dir + " is damaged: " + sealBroken
                    + "; refusing to open (restore this node from a peer)");
            }
            if (scan.tornFrom >= 0 || (chronicleLast >= 0 && chronicleLast != scan.lastSeenQueueIndex)) {
                long from = scan.tornFrom >= 0 ? scan.tornFrom : Math.max(scan.lastSeenQueueIndex, 0);
                String why = scan.tornFrom >= 0 ? scan.tornReason
                    : "Chronicle's last document is " + (chronicleLast == Long.MAX_VALUE ? "unknown" : describe(chronicleLast))
                        + " but records can only be read up to "
                        + (scan.lastSeenQueueIndex < 0 ? "none" : describe(scan.lastSeenQueueIndex));
                // The repair links every file before the damaged one into the rebuilt directory, so it needs them
                // all: Chronicle's listener registers files only some time after they were read (a cut in a file
                // before the last, as after damage before a compaction record in a later file, lost the files the
                // listener had not reported yet, and the rebuilt journal began with a gap).
                registerListedCycles();
                throw new NeedsRepair(rollCycle.toCycle(from), scan.lastGoodQueueIndex, scan.tornFrom, scan.tornKeepBytes,
                    state.lastIndex, scan.tornRecords, why, new java.util.TreeMap<>(cycleFiles));
            }
            appender = queue.createAppender();
            // The journal has one writer at a time, but that writer changes once: the thread that opens and
            // recovers the journal hands it to the raft thread. Chronicle pins an appender to the first thread
            // that touches it and throws on any other, so its check cannot express a hand-over.
            appender.singleThreadedCheckDisabled(true);
            registerListedCycles();
            for (int cycle : cycleFiles.keySet()) {
                lastWrittenCycle = Math.max(lastWrittenCycle, cycle);
            }
            writtenCycle = lastWrittenCycle;
            ownReader = new ChronicleJournalReader(this);
            publishedFirst = state.firstIndex;
            publishedLast.set(state.lastIndex);
            writtenLast = state.lastIndex;
            recent.reset(state.lastIndex); // what earlier runs wrote is read from the files
            CleanCloseSeal.Seal sealed = CleanCloseSeal.read(dir);
            sealedDocument = sealed == null ? -1 : sealed.queueIndex();
            writtenDocument = scan.lastSeenQueueIndex;
            boolean replayed = TailWal.exists(dir);
            if (replayed) {
                replayTail();
            }
            if (policy.mode() == FsyncPolicy.Mode.BATCH || replayed) {
                forceWrittenAndSeal(); // what a previous run left in the page cache counts as durable only once forced
            }
            // Before the checkpoint and fsync threads start: a failure here leaves only the queue and trash to close.
            dropFilesACrashLeftBehind(scan);
            // Only now, with the cycle files forced, may the tail files be emptied (or dropped: another policy).
            if (policy.mode() == FsyncPolicy.Mode.BATCH && options.tailWal) {
                tailWal = new TailWal(dir, options.tailFileBytes, options.tailDirect, this::forceWrittenAndSeal,
                    "raftlog-journal-checkpoint-" + dir.getFileName());
                handoff = options.tailHandoffBytes > 0 ? new TailHandoff(options.tailHandoffBytes) : null;
            } else {
                tailWal = null;
                handoff = null;
                if (replayed) {
                    deleteTailFiles();
                }
            }
            tailLast = state.lastIndex;
            durable.set(state.lastIndex);
            if (policy.mode() == FsyncPolicy.Mode.INTERVAL) {
                intervalSyncer = new Thread(this::syncPeriodically, "raftlog-journal-fsync-" + dir.getFileName());
                intervalSyncer.setDaemon(true);
                intervalSyncer.start();
            } else {
                intervalSyncer = null;
            }
            if (options.pretouchAheadBytes > 0) {
                pretoucher = new JournalPretoucher("raftlog-journal-pretouch-" + dir.getFileName(), options.pretouchAheadBytes,
                    writesBehind(policy, options), writeBehindFlushes(policy), options.cachedBehindBytes,
                    options.backgroundNice);
                if (lastWrittenCycle != Integer.MIN_VALUE) {
                    pretoucher.writingTo(cycleFiles.get(lastWrittenCycle));
                }
            } else {
                pretoucher = null;
            }
            ok = true;
        } finally {
            if (!ok) {
                queue.close();
                trash.close();
            }
        }
    }

    /**
     * A compaction or snapshot forces its record, then moves the files it voided into the trash; a process killed
     * in between left them here. The scan read past them (the record set the first index), so they are dropped now
     * as the compaction would have dropped them, once that record is forced (after a kill it may be only in the
     * page cache). Every file from the earliest of these on stays: the one holding the latest compaction record
     * (it gives the term before the first index); the one from which the records before it rebuilt the log it
     * names (the next scan checks that rebuild, and the first entry may have been rewritten since, past the record:
     * found in review); and the one holding the first entry now. A journal that finished its drops has no file
     * before those, so this does nothing; a record the scan undid (damage before it) never gets here (repair).
     */
    private void dropFilesACrashLeftBehind(JournalScan.Result scan) {
        if (scan.latestCompactionQueueIndex < 0 || lastWrittenCycle == Integer.MIN_VALUE) {
            return;
        }
        int keep = Math.min(rollCycle.toCycle(scan.latestCompactionQueueIndex), lastWrittenCycle);
        if (scan.latestCompactionFirstQueueIndex >= 0) {
            keep = Math.min(keep, rollCycle.toCycle(scan.latestCompactionFirstQueueIndex));
        }
        if (state.firstIndex <= state.lastIndex) {
            keep = Math.min(keep, rollCycle.toCycle(state.positions.snapshot().queueIndexOf(state.firstIndex)));
        }
        int dead = cycleFiles.headMap(keep).size();
        if (dead == 0) {
            return;
        }
        LOG.info("journal {}: {} cycle files hold nothing from the first index {} on (a drop that a stop cut short);"
            + " dropping them now", dir, dead, state.firstIndex);
        forceWritten();
        dropCycleFilesBefore(keep);
    }

    /**
     * Whether the pretoucher writes the cycle files back behind the writer. Under fsync=batch with tail files,
     * so that checkpoints stay short. Under fsync=none, so that write-back is steady: otherwise the kernel
     * starts writing back only once a tenth of memory is dirty (about 8 s into W1 here) and then at 250-470
     * MB/s, with the system's share of CPU going from about 45% to 65%. Measured with 12 s of warm-up and 20 s
     * of W1 none (the kernel's write-back then runs through the measured phase, as in a node that has run for
     * a while), four pairs: 570k-618k vs 464k-615k appends/s, p99.9 10.5-14.7 vs 15.8-22.5 ms, max 20-29 vs
     * 24-88 ms. A 10 s run right after start pays it where it did not before: W1 none about 7% lower. Not
     * under interval or batch without tail files: their own forces write the files back.
     */
    static boolean writesBehind(FsyncPolicy policy, JournalOptions options) {
        if (!options.writeBehind) {
            return false;
        }
        return policy.mode() == FsyncPolicy.Mode.NONE || (policy.mode() == FsyncPolicy.Mode.BATCH && options.tailWal);
    }

    /**
     * Whether each write-behind step also flushes the disk's write cache: under fsync=none, where nothing else
     * does. There, write-behind without it (with {@code sync_file_range}) stalled the raft threads for 0.4-1.5 s
     * in 5 of about 30 W1k runs, with elections (0 of 16 with the flush). The kernel's stacks of one stall: the
     * writer's pwrite waited for the inode's {@code i_data_sem} behind ext4's end-of-I/O worker, which was
     * converting the written-back extents, freeing an extent-tree block on the way and waiting 0.75 s for that
     * block's synchronous discard (the file system is mounted with {@code discard}). Why the flushes keep that
     * wait short is not established; they bound how much the host holds unwritten. Under fsync=batch the tail
     * files' forces flush the cache hundreds of times a second, and a flush per step only competed with them
     * (W1 with fsync 16% faster without it, docs/BENCHMARKS.md, fourteenth session).
     */
    static boolean writeBehindFlushes(FsyncPolicy policy) {
        return policy.mode() == FsyncPolicy.Mode.NONE;
    }

    /**
     * Writer thread, while opening: brings back entries the tail file holds and the cycle files lost (pages a
     * power loss kept from the disk), or that replace entries there. Entries the cycle files hold in the same
     * term are the same entries (at most one leader per term, which never changes its own) and are skipped.
     */
    private void replayTail() {
        TailReplay.Plan plan = tailPlan;
        tailPlan = null; // one replay per plan, and nothing of it kept once open
        TailReplay.Outcome outcome = TailReplay.apply(dir, plan, state, new TailReplay.Changes() {
            @Override
            public void truncateAfter(long index) {
                ChronicleJournal.this.truncateAfter(index);
            }

            @Override
            public void append(long index, long term, byte kind, DirectBuffer payload, int offset, int length) {
                ChronicleJournal.this.append(index, term, kind, payload, offset, length);
            }

            @Override
            public void installSnapshot(long index, long term) {
                ChronicleJournal.this.installSnapshot(index, term);
            }
        });
        writePending();
        if (outcome.restored() > 0) {
            LOG.warn("journal {}: restored {} of {} entries from its tail files that the cycle files had lost or held differently",
                dir, outcome.restored(), outcome.records());
        }
    }

    private void deleteTailFiles() {
        int first = TailWal.olderFirst(dir); // the older first: a crash between the two leaves the newer records
        for (String name : new String[] {TailWal.FILE_NAMES[first], TailWal.FILE_NAMES[1 - first]}) {
            try {
                Files.deleteIfExists(dir.resolve(name));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + dir.resolve(name) + ": " + e.getMessage(), e);
            }
        }
    }

    /** Opens (creating if needed) the journal in {@code dir}, recovering it as described in the class comment. */
    public static ChronicleJournal open(Path dir, FsyncPolicy policy) {
        return open(dir, policy, JournalOptions.defaults());
    }

    /**
     * @throws JournalCorruptedException if a record other than a torn tail is damaged (the message names the
     *         index and file); the node must not start on such a journal
     */
    public static ChronicleJournal open(Path dir, FsyncPolicy policy, JournalOptions options) {
        TornTailRepair.finishInterrupted(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create journal directory " + dir + ": " + e.getMessage(), e);
        }
        try {
            return new ChronicleJournal(dir, policy, options);
        } catch (NeedsRepair r) {
            LOG.warn("journal {}: cutting back a torn tail after index {} ({} record(s) from the damage on): {}",
                dir, r.lastIndex, r.tornRecords, r.why);
            TornTailRepair.repair(dir, options, r.fromCycle, r.lastGoodQueueIndex, r.tornQueueIndex, r.keepBytesOfTorn, r.cycleFiles);
            try {
                return new ChronicleJournal(dir, policy, options);
            } catch (NeedsRepair again) {
                throw new JournalCorruptedException("journal " + dir + " still damaged after cutting back its torn tail: "
                    + again.why + "; refusing to open");
            }
        }
    }

    /** Thrown by the constructor (after closing the queue) when the tail must be cut back before opening. */
    private static final class NeedsRepair extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int fromCycle;
        final long lastGoodQueueIndex;
        final long tornQueueIndex;
        final int keepBytesOfTorn;
        final long lastIndex;
        final long tornRecords;
        final String why;
        final transient Map<Integer, File> cycleFiles;

        NeedsRepair(int fromCycle, long lastGoodQueueIndex, long tornQueueIndex, int keepBytesOfTorn, long lastIndex,
                    long tornRecords, String why, Map<Integer, File> cycleFiles) {
            super(why, null, false, false);
            this.fromCycle = fromCycle;
            this.lastGoodQueueIndex = lastGoodQueueIndex;
            this.tornQueueIndex = tornQueueIndex;
            this.keepBytesOfTorn = keepBytesOfTorn;
            this.lastIndex = lastIndex;
            this.tornRecords = tornRecords;
            this.why = why;
            this.cycleFiles = cycleFiles;
        }
    }

    /** When cycle {@code cycle} of {@code rollCycle} begins, in epoch milliseconds (Chronicle's epoch is 0). */
    static long startOfCycle(RollCycle rollCycle, int cycle) {
        return (long) cycle * rollCycle.lengthInMillis();
    }

    static SingleChronicleQueue buildQueue(Path dir, JournalOptions options, boolean readOnly, StoreFileListener listener) {
        return buildQueue(dir, options, readOnly, listener, options.timeProvider);
    }

    /** As {@link #buildQueue(Path, JournalOptions, boolean, StoreFileListener)}, its cycles timed by {@code time}. */
    static SingleChronicleQueue buildQueue(Path dir, JournalOptions options, boolean readOnly, StoreFileListener listener,
                                           TimeProvider time) {
        SingleChronicleQueueBuilder b = SingleChronicleQueueBuilder.binary(dir)
            .rollCycle(options.rollCycle)
            .timeoutMS(options.lockTimeoutMillis)
            .readOnly(readOnly);
        if (time != null) {
            b.timeProvider(time);
        }
        if (listener != null) {
            b.storeFileListener(listener);
        }
        if (options.blockSize > 0) {
            b.blockSize(options.blockSize);
        }
        return b.build();
    }

    // ---------------------------------------------------------------- RaftLog (writer thread)

    @Override
    public long firstIndex() {
        return state.firstIndex;
    }

    @Override
    public long lastIndex() {
        return state.lastIndex;
    }

    @Override
    public long termAt(long index) {
        return state.termAt(index);
    }

    @Override
    public void append(long index, long term, byte type, DirectBuffer buffer, int offset, int length) {
        ensureOpen();
        if (index != state.lastIndex + 1) {
            throw new IllegalStateException("append at " + index + " but the last index is " + state.lastIndex);
        }
        if (!EntryType.isValid(type)) {
            throw new IllegalArgumentException("unknown entry type " + type + " at index " + index);
        }
        if (term < state.lastTerm()) {
            throw new IllegalStateException("term " + term + " at " + index + " is below the previous term " + state.lastTerm());
        }
        if (length < 0 || length > RecordFormat.MAX_PAYLOAD) {
            throw new IllegalArgumentException("entry " + index + " payload of " + length + " bytes, limit " + RecordFormat.MAX_PAYLOAD);
        }
        appendedBytes += length;
        int total = RecordFormat.HEADER_LENGTH + length;
        if (total > staging.capacity()) {
            appendAlone(index, term, type, buffer, offset, length);
            return;
        }
        if (stagedBytes + total > staging.capacity()) {
            writePending(); // bounded: the staged document is written before it would overflow
        }
        int at = stagedBytes;
        RecordFormat.encode(crc, staging, at, type, index, term, buffer, offset, length);
        if (stagedCount == 0) {
            stagedFirst = index;
        }
        stagedStart[stagedCount++] = at;
        stagedBytes = at + total;
        state.staged(index, term);
        int ringAt = recent.claim(total);
        if (ringAt >= 0) {
            recent.buffer().putBytes(ringAt, staging, at, total);
            recent.commit(index);
        } else {
            recent.skip(index);
        }
    }

    /**
     * A record larger than the staging area goes alone in its own document, written now (after what is
     * staged, to keep the order), encoded in the recent records' ring if it holds records that large. Like
     * any written entry it is published by the next {@link #writePending()}.
     */
    private void appendAlone(long index, long term, byte type, DirectBuffer buffer, int offset, int length) {
        writePending();
        int at = recent.claim(RecordFormat.HEADER_LENGTH + length);
        long queueIndex = writeRecord(type, index, term, buffer, offset, length, at);
        state.staged(index, term);
        state.positions.documentWritten(index, 1, queueIndex);
        writtenLast = index;
        if (at >= 0) {
            recent.commit(index);
        } else {
            recent.skip(index);
        }
    }

    /**
     * Writes every staged record as one document, and publishes everything written: to the flusher (which
     * only ever forces and reports durable what was published) and to readers of other threads. Many records
     * per document spare the per-document work Chronicle does on this thread (its header, index and the
     * appender's document context) for all but one of them. The raft thread calls it at the end of each batch.
     */
    @Override
    public void writePending() {
        ensureOpen();
        int written = stagedCount;
        if (stagedCount > 0) {
            long queueIndex = writeDocument(staging, 0, stagedBytes);
            long last = stagedFirst + stagedCount - 1;
            state.positions.documentWritten(stagedFirst, stagedCount, queueIndex);
            writtenLast = last;
            stagedCount = 0;
        }
        if (publishedLast.get() != writtenLast) {
            // Release: a reader or flusher that sees the index also sees the document and its position segment.
            publishedLast.lazySet(writtenLast);
        }
        if (written > 0 && handoff != null) {
            // After publishing: a flush that takes these records may read any it lacks before them (a record
            // written alone) from the journal, which serves only published entries.
            handoff.offer(handoffEpoch, stagedFirst, written, staging, 0, stagedBytes);
        }
        stagedBytes = 0;
    }

    @Override
    public void truncateAfter(long index) {
        ensureOpen();
        if (index < state.firstIndex - 1) {
            throw new IllegalStateException("truncate after " + index + " is below the first index " + state.firstIndex);
        }
        if (index >= state.lastIndex) {
            return;
        }
        if (index >= writtenLast) {
            // Only staged entries go: they were never written, so there is nothing to void on file.
            int keep = (int) (index - stagedFirst + 1);
            stagedBytes = keep == 0 ? 0 : stagedStart[keep];
            stagedCount = keep;
            state.truncateAfter(index);
            recent.truncateAfter(index);
            return;
        }
        stagedCount = 0; // all above the written ones, so above index
        stagedBytes = 0;
        // The tail lock keeps the flusher out from the marker to the new state, as for a snapshot.
        synchronized (tailLock) {
            if (tailWal != null && index < tailLast) {
                // The tail files show a truncation only by the records that follow it, which the next flush
                // writes: a crash before that (or a power cut that kept the cycle files' truncation and not the
                // flush) would replay the records above index over the replacing entries, a log that never
                // existed or one the node cannot open. A marker forced first voids them (TailReplay).
                int length = RecordFormat.encode(crc, scratch, 0, RecordFormat.TRUNCATE, index, state.termAt(index), null, 0, 0);
                tailWal.appendRecord(scratch, 0, length);
                tailWal.force();
            }
            writeRecord(RecordFormat.TRUNCATE, index, state.termAt(index), null, 0, 0, -1);
            writtenLast = index;
            recent.truncateAfter(index);
            synchronized (flushLock) {
                // The position map and the published index change together, under the lock the flusher holds
                // while it copies into the tail files: it never pairs a map without the dropped entries with an
                // index that still counts them (it would read them from the wrong document).
                state.truncateAfter(index);
                publishedLast.set(index);
                truncatedTo = Math.min(truncatedTo, index);
                tailLast = Math.min(tailLast, index);
                handoffEpoch++; // the handoff may still carry the dropped records
                if (durable.get() > index) {
                    durable.set(index);
                }
            }
        }
    }

    @Override
    public int countWithin(long fromIndex, int maxCount, long maxBytes) {
        if (fromIndex > state.lastIndex) {
            return 0;
        }
        return readOwn(fromIndex, maxCount, maxBytes, null);
    }

    @Override
    public int read(long fromIndex, int maxCount, long maxBytes, EntryConsumer consumer) {
        return readOwn(fromIndex, maxCount, maxBytes, consumer);
    }

    /**
     * The writer's reads: entries older than the recent records from the files (checked), the rest from
     * {@link #recent} (bytes this thread wrote and checksummed itself, so not checked again). A null
     * consumer only counts, which needs no more than each record's length.
     */
    private int readOwn(long fromIndex, int maxCount, long maxBytes, EntryConsumer consumer) {
        if (fromIndex < state.firstIndex) {
            throw new CompactedException(fromIndex, state.firstIndex);
        }
        long last = state.lastIndex;
        // recent.last() is the last index unless a write failed halfway; then trust the files alone
        long cachedFrom = recent.last() == last ? Math.max(recent.first(), fromIndex) : last + 1;
        int count = 0;
        long bytes = 0;
        long index = fromIndex;
        if (index < cachedFrom && index <= last) {
            long upTo = Math.min(last, cachedFrom - 1);
            if (upTo > publishedLast.get()) {
                writePending(); // the files (and our reader) must hold what the ring does not
            }
            count = ownReader.read(index, upTo, maxCount, maxBytes, consumer == null ? COUNT_ONLY : consumer);
            if (count < upTo - index + 1 || ownReader.lastReadStopped()) {
                return count; // stopped by maxCount, maxBytes or the consumer before reaching the recent records
            }
            bytes = ownReader.lastReadBytes();
            index = upTo + 1;
        }
        UnsafeBuffer ring = recent.buffer();
        for (; index <= last && count < maxCount; index++) {
            int at = recent.offsetOf(index);
            int payload = ring.getInt(at + RecordFormat.LENGTH_OFFSET);
            if (count > 0 && bytes + payload > maxBytes) {
                break;
            }
            bytes += payload;
            count++;
            if (consumer != null && !consumer.accept(index, ring.getLong(at + RecordFormat.TERM_OFFSET),
                ring.getByte(at + RecordFormat.KIND_OFFSET), ring, at + RecordFormat.HEADER_LENGTH, payload)) {
                break;
            }
        }
        return count;
    }

    /**
     * Writes one record as its own document, encoded at {@code at} in the recent records' ring
     * ({@link RecentRecords#claim}) or, if negative, in the scratch buffer.
     */
    private long writeRecord(byte kind, long index, long term, DirectBuffer payload, int offset, int length, int at) {
        int total = RecordFormat.HEADER_LENGTH + length;
        UnsafeBuffer src;
        int srcOffset;
        if (at >= 0) {
            src = recent.buffer();
            srcOffset = at;
        } else {
            if (total > scratch.capacity()) {
                scratch = new UnsafeBuffer(new byte[Integer.highestOneBit(total) << 1]);
            }
            src = scratch;
            srcOffset = 0;
        }
        RecordFormat.encode(crc, src, srcOffset, kind, index, term, payload, offset, length);
        return writeDocument(src, srcOffset, total);
    }

    /**
     * Writes {@code length} bytes of {@code src} (whole records) as one document and returns its queue index;
     * holds Chronicle's writing context only for the copy.
     */
    private long writeDocument(UnsafeBuffer src, int srcOffset, int length) {
        if (writeFailed) {
            // Chronicle's appender after a fault (a full disk) is in no state to write: writing on once produced a
            // document that could not be read back after the restart (DiskFullIT).
            throw new IllegalStateException("journal " + dir + ": an earlier write failed or its owner stopped;"
                + " nothing more is written until it is opened again");
        }
        long endPosition;
        try (DocumentContext dc = appender.writingDocument()) {
            copyInto(dc.wire().bytes(), src, srcOffset, length);
            endPosition = dc.wire().bytes().writePosition();
        } catch (RuntimeException | Error e) {
            writeFailed = true;
            throw e;
        }
        long queueIndex = appender.lastIndexAppended();
        int cycle = rollCycle.toCycle(queueIndex);
        if (pretoucher != null) {
            // Position before file: the pretoucher reads the file first, so it can never pair a new file with
            // the previous file's larger position (and skip the new file's start).
            pretoucher.wroteUpTo(endPosition);
        }
        if (cycle != lastWrittenCycle) {
            // Known before the flusher can see the new cycle: a flush must force every file written to.
            registerCycle(cycle);
            lastWrittenCycle = cycle;
            writtenCycle = cycle;
            if (pretoucher != null) {
                pretoucher.writingTo(cycleFiles.get(cycle));
            }
        }
        // After writtenCycle: a force that read this document first then forces its cycle too (forceWritten
        // reads writtenCycle after), so the seal never names a document in a file the force skipped.
        writtenDocument = queueIndex;
        return queueIndex;
    }

    /**
     * Appends {@code length} bytes of {@code src} to the document being written. Chronicle's own write of a
     * heap array copies with a Java loop of 8-byte moves (UnsafeMemory.copyMemoryLoop); one
     * {@code Unsafe.copyMemory} (Agrona's putBytes) is faster.
     *
     * <p>Why one copy is safe: a mapped store maps {@code [start, start + chunk + overlap)} of the file as one
     * range of memory (one mmap, the file grown to cover it first), and Chronicle's own write copies in one
     * piece into the current store exactly when the write position lies in the store's chunk
     * ({@code inside(wp)}) and the bytes end within its mapping ({@code inside(wp, length)}); only then is the
     * one copy made here, into the same memory. Chronicle keeps both true for every document: opening one
     * moves the store to the chunk holding its position, and a document may not exceed the overlap (the
     * write limit). Anything else (a store that is not a mapping, a position left in the overlap) takes
     * Chronicle's write, which handles chunks itself.
     */
    void copyInto(Bytes<?> bytes, UnsafeBuffer src, int srcOffset, int length) {
        long wp = bytes.writePosition();
        if (bytes.bytesStore() instanceof MappedBytesStore store && length <= bytes.writeRemaining()
            && store.inside(wp) && store.inside(wp, length)) {
            boolean throughMap = !writtenThroughFile(bytes, wp, src, srcOffset, length);
            if (throughMap) {
                mappedRecord.wrap(store.addressForWrite(wp), length);
                mappedRecord.putBytes(0, src, srcOffset, length);
            }
            bytes.writeSkip(length);
            contiguousCopies++;
            if (pageTables != null) {
                pageTables.wrote(store, wp + length, throughMap);
            }
            if (wp + length > store.safeLimit()) {
                overlapCopies++;
            }
        } else {
            bytes.write(src.byteArray(), srcOffset, length);
            chunkedCopies++;
        }
    }

    /**
     * Writes a large enough document's bytes with pwrite ({@link CycleFileWrites}); false if it did not (the
     * caller copies them through the map). A mapped store's positions are the file's offsets, so the bytes land
     * in the same pages either way.
     */
    private boolean writtenThroughFile(Bytes<?> bytes, long position, UnsafeBuffer src, int srcOffset, int length) {
        return fileWrites != null && fileWrites.takes(length) && bytes instanceof MappedBytes mapped
            && fileWrites.write(mapped.mappedFile().file(), position, src, srcOffset, length);
    }

    // ---------------------------------------------------------------- durability (flusher thread)

    @Override
    public long flush() {
        Throwable syncFailure = periodicSyncFailure;
        if (syncFailure != null) {
            throw new IllegalStateException("journal " + dir + ": the periodic fsync failed: " + syncFailure, syncFailure);
        }
        if (policy.mode() != FsyncPolicy.Mode.BATCH) {
            synchronized (flushLock) {
                durable.set(publishedLast.get());
                return durable.get();
            }
        }
        long target;
        synchronized (flushLock) {
            target = publishedLast.get();
            if (target <= durable.get()) {
                return durable.get(); // nothing new (a truncation lowers durable, so re-appends do not hide here)
            }
            truncatedTo = Long.MAX_VALUE;
        }
        if (tailWal == null) {
            forceWritten();
        } else {
            forceThroughTail(target);
        }
        synchronized (flushLock) {
            // An entry truncated away while we forced is not durable however it was forced; the log below the
            // truncation point was written before we started and is.
            target = Math.min(target, truncatedTo);
            if (target > durable.get()) {
                durable.set(target);
            }
            return durable.get();
        }
    }

    @Override
    public long durableIndex() {
        return durable.get();
    }

    @Override
    public long appendedBytes() {
        return appendedBytes;
    }

    /** For tests: whether compacted files still wait to be deleted. */
    boolean trashHoldsFiles() throws IOException {
        return trash.holdsFiles();
    }

    /** For tests: which entries the writer's reads serve from memory. */
    RecentRecords recentRecords() {
        return recent;
    }

    /** Whether the writer has its page-table entries filled in ahead (for tests: a kernel may refuse). */
    boolean populatingPageTables() {
        return pageTables != null && pageTables.populating();
    }

    /** Documents whose bytes went through the file descriptor rather than the map (for tests). */
    long fileCopies() {
        return fileWrites == null ? 0 : fileWrites.writes();
    }

    /** Records copied into the map in one piece, and through Chronicle's chunked write (for tests). */
    long contiguousCopies() {
        return contiguousCopies;
    }

    long overlapCopies() {
        return overlapCopies;
    }

    long chunkedCopies() {
        return chunkedCopies;
    }

    /** How many times the tail files switched (for tests). */
    long tailTurns() {
        synchronized (tailLock) {
            return tailWal == null ? 0 : tailWal.turns();
        }
    }

    /** How many times files were forced (for tests and metrics). */
    public long forceCount() {
        long tailForces;
        synchronized (tailLock) {
            tailForces = tailWal == null ? 0 : tailWal.forces();
        }
        synchronized (forceLock) {
            return forces + tailForces;
        }
    }

    /**
     * Copies the written entries after {@link #tailLast}, up to {@code target}, into the tail files and forces
     * them.
     *
     * <p>The copy holds the flush lock, so no truncation happens during it (the writer's
     * {@link #truncateAfter} waits, which only a follower whose log conflicts ever calls): it is one view of
     * the log that continues exactly what the tail files already hold. Without the lock a truncation between
     * two reads would leave the tail files with old entries followed by entries of the replacing suffix, a
     * log that never existed, which a crash before the next flush would then replay. The force runs
     * without it; a truncation during the force lowers {@link #tailLast} and the durable index.
     */
    private void forceThroughTail(long target) {
        synchronized (tailLock) {
            if (tailReader == null) {
                tailReader = new ChronicleJournalReader(this);
            }
            synchronized (flushLock) {
                long to = Math.min(target, publishedLast.get()); // a truncation since the flush began lowered it
                long index = Math.max(tailLast + 1, publishedFirst); // below it: compacted, and forced before that
                if (handoff != null) {
                    index = handoff.drain(index, to, handoffEpoch, handoffSink); // may reach past to: all published
                }
                copyFromJournalToTail(index, to);
                tailLast = Math.max(tailLast, Math.max(to, index - 1));
            }
            tailWal.force();
        }
    }

    /** Reads the entries {@code [from, to]} back from the journal into the tail files (under flushLock). */
    private void copyFromJournalToTail(long from, long to) {
        long index = from;
        while (index <= to) {
            int n = tailReader.read(index, to, TAIL_COPY_ENTRIES, Long.MAX_VALUE, copyToTail);
            if (n == 0) {
                throw new IllegalStateException("entries " + index + ".." + to + " could not be read from " + dir);
            }
            index += n;
            readBackForTail += n;
        }
    }

    /**
     * For tests, with no flush running: documents the writer offered to the handoff and it refused, records flushes
     * took from it, and records they read back from the journal; null without a handoff.
     */
    long[] handoffCounts() {
        return handoff == null ? null : new long[] {handoff.offered(), handoff.refused(), handoff.taken(), readBackForTail};
    }

    /**
     * Hands the record whose payload the tail reader served to the tail files as it stands in the journal: the
     * reader serves each payload in its copy of the document, right after the record's header, both checked.
     */
    private boolean copyToTail(long index, long term, byte type, DirectBuffer buffer, int offset, int length) {
        int at = offset - RecordFormat.HEADER_LENGTH;
        if (at < 0 || buffer.getLong(at + RecordFormat.INDEX_OFFSET) != index || buffer.getInt(at + RecordFormat.LENGTH_OFFSET) != length) {
            throw new IllegalStateException("entry " + index + " was not served inside its record; the tail files need the record whole");
        }
        tailWal.appendRecord(buffer, at, RecordFormat.HEADER_LENGTH + length);
        return true;
    }

    /**
     * {@link #forceWritten}, then the seal moved up to the last document written before the force began: damage at
     * or below it is then refused as corruption at the next start, never cut back as a torn tail (see
     * {@link CleanCloseSeal}). Not on the path of a flush (three more fsyncs): at the start, at each checkpoint of
     * the tail files, at each periodic fsync, and at a clean close. A seal that cannot be written loses only a check.
     */
    private void forceWrittenAndSeal() {
        // The entry first: a published entry's document is already written, so it lies at or below the document
        // read next. The force that starts after both covers that document and every one before it.
        long last = publishedLast.get();
        long document = writtenDocument;
        forceWritten();
        synchronized (forceLock) {
            if (document > sealedDocument) {
                try {
                    CleanCloseSeal.write(dir, document, last);
                    sealedDocument = document;
                } catch (IOException | RuntimeException e) {
                    LOG.warn("journal {}: cannot write {}: {}", dir, CleanCloseSeal.FILE_NAME, e.toString());
                }
            }
        }
    }

    /** Forces every cycle file written since the last force, and the directory when a new file appeared. */
    private void forceWritten() {
        int upTo = writtenCycle;
        synchronized (forceLock) {
            try {
                boolean newFile = upTo > lastForcedCycle;
                // Only the cycles written since the last force: a node up for a month without retention holds
                // hundreds of older cycle files, which a walk over all of them would visit at every force.
                int from = Math.min(lastForcedCycle, upTo); // subMap refuses a range that runs backwards
                for (Map.Entry<Integer, File> e : cycleFiles.subMap(from, true, upTo, true).entrySet()) {
                    int cycle = e.getKey();
                    FileChannel ch = channels.get(cycle);
                    if (ch == null) {
                        if (!e.getValue().exists()) {
                            continue; // compacted away
                        }
                        ch = FileChannel.open(e.getValue().toPath(), StandardOpenOption.WRITE);
                        channels.put(cycle, ch);
                    }
                    ch.force(false);
                }
                if (newFile) {
                    forceFile(dir.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE));
                    forceDirectory(dir);
                    // Files before the new one are complete: stop holding their channels.
                    channels.entrySet().removeIf(e -> {
                        if (e.getKey() < upTo) {
                            closeQuietly(e.getValue());
                            return true;
                        }
                        return false;
                    });
                    lastForcedCycle = upTo;
                }
                forces++;
            } catch (IOException e) {
                // An interrupt closes the channel (ClosedByInterruptException): drop them all so the next
                // force reopens. A failed fsync leaves the page cache in an unknown state (the kernel may have
                // dropped the dirty pages): nothing written since the last good force may be called durable.
                channels.values().forEach(ChronicleJournal::closeQuietly);
                channels.clear();
                throw new UncheckedIOException("fsync of journal " + dir + " failed: " + e.getMessage(), e);
            }
        }
    }

    private void syncPeriodically() {
        long periodNanos = policy.intervalMillis() * 1_000_000L;
        while (!stopping) {
            LockSupport.parkNanos(this, periodNanos);
            if (!stopping) {
                try {
                    forceWrittenAndSeal();
                } catch (RuntimeException | Error e) {
                    // Not retried: after a failed fsync a second one may succeed without the pages the kernel
                    // could not write. The next flush() throws it to the owner, which halts the node.
                    LOG.error("journal {}: periodic fsync failed; no further periodic fsyncs", dir, e);
                    periodicSyncFailure = e;
                    return;
                }
            }
        }
    }

    static void forceFile(Path file) throws IOException {
        if (Files.exists(file)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
    }

    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** After the close forced every document: damage found at or below the last one is then corruption. */
    private void seal() {
        // Under forceLock, as the checkpoint's and syncer's seals are: one of those threads that outlived the
        // close's wait for it must not write the same temporary file at the same time.
        synchronized (forceLock) {
            try {
                long last = queue.lastIndex();
                if (last >= 0) {
                    CleanCloseSeal.write(dir, last, state.lastIndex);
                    sealedDocument = Math.max(sealedDocument, last);
                }
            } catch (IOException | RuntimeException | Error e) {
                // Only a check is lost: the next start treats damage at the tail as torn, as after a crash.
                LOG.warn("journal {}: cannot write {}: {}", dir, CleanCloseSeal.FILE_NAME, e.toString());
            }
        }
    }

    // ---------------------------------------------------------------- readers, retention, lifecycle

    @Override
    public JournalReader newReader() {
        ensureOpen();
        return new ChronicleJournalReader(this);
    }

    @Override
    public void compactBefore(long index) {
        ensureOpen();
        if (index <= state.firstIndex) {
            return;
        }
        writePending(); // positions of every entry are known, and the marker follows every entry it accounts for
        long target = Math.min(index, state.lastIndex + 1);
        int currentCycle = lastWrittenCycle == Integer.MIN_VALUE ? queue.cycle() : lastWrittenCycle;
        PositionMap.Snapshot snap = state.positions.snapshot();
        int keepCycle = target <= state.lastIndex ? rollCycle.toCycle(snap.queueIndexOf(target)) : currentCycle;
        keepCycle = Math.min(keepCycle, currentCycle);
        long newFirst = state.lastIndex + 1;
        for (int s = 0; s < snap.size; s++) {
            if (rollCycle.toCycle(snap.queueStart(s)) >= keepCycle) {
                newFirst = Math.max(snap.raftStart(s), state.firstIndex);
                break;
            }
        }
        newFirst = Math.min(newFirst, target);
        boolean anyFile = cycleFiles.keySet().stream().anyMatch(c -> c < currentCycle);
        if (newFirst <= state.firstIndex || !anyFile) {
            return;
        }
        long termBefore = state.termAt(newFirst - 1);
        // Said before anything is durable, as installSnapshot does: a process killed from here on may come back
        // with either first index, and a reader of the log can tell that from a prefix lost for no reason.
        LOG.info("journal {}: retention drops the log [{}, {}] (whole files)", dir, state.firstIndex, newFirst - 1);
        // The marker is durable before any file goes, so a crash in between never leaves an unexplained gap.
        compactPayload.putLong(0, state.lastIndex); // lets the start-up scan check its replay against the writer
        writeRecord(RecordFormat.COMPACT, newFirst, termBefore, compactPayload, 0, 8, -1);
        afterCompactionMarkerWritten.run();
        forceWritten();
        publishedFirst = newFirst; // before the position map changes: see ChronicleJournalReader.read
        state.compact(newFirst, termBefore);
        recent.dropBefore(newFirst);
        dropCycleFilesBefore(keepCycle);
    }

    /**
     * Cycle files hold one roll cycle of writes each, so every entry of a file whose cycle ended before
     * {@code now - ageMillis} is older than that: the answer is the first entry of the oldest later file. A
     * binary search over the position map, whose segments lie in file order.
     */
    @Override
    public long firstIndexWrittenWithin(long ageMillis) {
        ensureOpen();
        if (ageMillis < 0) {
            throw new IllegalArgumentException("age must be >= 0, got " + ageMillis);
        }
        long then = queue.time().currentTimeMillis() - ageMillis;
        return firstIndexInCycleOrLater(rollCycle.current(() -> then, queue.epoch()));
    }

    /**
     * Walks the cycle files from the newest back, adding up their sizes as the file system reports them
     * (Chronicle grows a file in steps of its block size, so this counts a little more than was written).
     * The newest file always counts as kept.
     */
    @Override
    public long firstIndexKeepingBytes(long maxBytes) {
        ensureOpen();
        if (maxBytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0, got " + maxBytes);
        }
        long total = 0;
        int kept = Integer.MIN_VALUE;
        for (Map.Entry<Integer, File> e : cycleFiles.descendingMap().entrySet()) {
            total += e.getValue().length();
            if (total > maxBytes && kept != Integer.MIN_VALUE) {
                return firstIndexInCycleOrLater(kept);
            }
            kept = e.getKey();
        }
        return state.firstIndex;
    }

    /** The first index held in a cycle file of {@code cycle} or later; a binary search over the position map. */
    private long firstIndexInCycleOrLater(int cycle) {
        PositionMap.Snapshot snap = state.positions.snapshot();
        int lo = 0;
        int hi = snap.size; // the first segment in that cycle or later lies in [lo, hi]
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (rollCycle.toCycle(snap.queueStart(mid)) < cycle) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == snap.size ? state.lastIndex + 1 : Math.max(snap.raftStart(lo), state.firstIndex);
    }

    /**
     * Drops the cycle files before {@code keep}, whose entries a durable compaction record voided: each is renamed
     * into the trash, which deletes it beside this thread ({@link CycleFileTrash}: an unlink of a large file takes
     * hundreds of milliseconds here), or deleted here if the rename fails.
     */
    private void dropCycleFilesBefore(int keep) {
        cycleFiles.entrySet().removeIf(e -> {
            if (e.getKey() < keep) {
                Path file = e.getValue().toPath();
                try {
                    trash.discard(file);
                } catch (IOException moveFailed) {
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException ex) {
                        LOG.warn("journal {}: could not delete compacted file {}: {}", dir, file, ex.toString());
                    }
                }
                return true;
            }
            return false;
        });
        queue.refreshDirectoryListing();
        try {
            forceDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("fsync of journal directory " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Drops the whole log for a leader's snapshot: a {@code TRUNCATE} to {@code index} if the log reaches past it
     * (the start-up scan's replay before the marker must end at {@code index}), then a {@code COMPACT} record
     * whose last index is {@code index} (the log is empty after it), made durable before any state changes,
     * then every cycle file but the one being written goes.
     *
     * <p>With tail files the marker goes there first, forced before the cycle files are written: the tail files
     * still hold records of the dropped log, which replay at the next open would lay over the empty log as if they
     * followed {@code index}. {@link TailReplay} ignores every tail record before the last marker and applies the
     * marker itself if the cycle files lost it; a marker in the cycle files alone (the process dead before the tail
     * files had theirs: the page cache keeps what was written to the map) would have none of that.
     */
    @Override
    public void installSnapshot(long index, long term) {
        ensureOpen();
        if (index < state.firstIndex - 1) {
            throw new IllegalStateException("snapshot through " + index + " is below the first index " + state.firstIndex);
        }
        writePending();
        LOG.info("journal {}: a leader's snapshot through index {} (term {}) replaces the log [{}, {}]", dir, index, term,
            state.firstIndex, state.lastIndex);
        compactPayload.putLong(0, index);
        // The tail lock keeps the flusher out from the marker to the new state: a copy in between would put
        // records of the dropped log after the marker in the tail files.
        synchronized (tailLock) {
            if (tailWal != null) {
                int length = RecordFormat.HEADER_LENGTH + 8;
                RecordFormat.encode(crc, scratch, 0, RecordFormat.COMPACT, index + 1, term, compactPayload, 0, 8);
                tailWal.appendRecord(scratch, 0, length);
                tailWal.force();
            }
            if (state.lastIndex > index) {
                writeRecord(RecordFormat.TRUNCATE, index, state.termAt(index), null, 0, 0, -1);
            }
            writeRecord(RecordFormat.COMPACT, index + 1, term, compactPayload, 0, 8, -1);
            afterSnapshotMarkerWritten.run();
            forceWritten();
            synchronized (flushLock) {
                publishedFirst = index + 1; // before the position map changes: see ChronicleJournalReader.read
                state.installSnapshot(index, term);
                writtenLast = index;
                publishedLast.set(index);
                truncatedTo = Math.min(truncatedTo, index);
                tailLast = index;
                handoffEpoch++; // the handoff may still carry records of the dropped log
                durable.set(index);
            }
        }
        recent.reset(index);
        dropCycleFilesBefore(lastWrittenCycle == Integer.MIN_VALUE ? queue.cycle() : lastWrittenCycle);
    }

    @Override
    public FsyncPolicy policy() {
        return policy;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        // What was appended goes on file before the files close. If that fails (an Error too: a write through the
        // map faults when the disk is full), the files may end in a torn record: no clean close then, so the tail
        // files stay for the next start to replay and no seal vouches for the end of the files.
        boolean written = false;
        if (writeFailed) {
            LOG.warn("journal {}: closing without writing staged records or the clean-close seal: a write failed or"
                + " its owner stopped; the next open recovers what is on file", dir);
        } else {
            try {
                writePending();
                written = !writeFailed;
            } catch (RuntimeException | Error e) {
                LOG.error("journal {}: writing the staged records at close failed (closing without the clean-close seal): {}",
                    dir, e.toString());
            }
        }
        closed = true;
        stopping = true;
        if (intervalSyncer != null) {
            LockSupport.unpark(intervalSyncer);
            try {
                intervalSyncer.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean forced = false;
        if (tailWal != null) {
            synchronized (tailLock) {
                try {
                    // A clean close leaves nothing to replay: the cycle files hold it all, forced.
                    forced = tailWal.close(written);
                } catch (RuntimeException e) {
                    LOG.error("journal {}: forcing at close failed (the tail files are kept for the next start): {}", dir, e.toString());
                }
                if (tailReader != null) {
                    tailReader.close();
                }
            }
        } else if (policy.mode() != FsyncPolicy.Mode.NONE && written) {
            try {
                forceWritten();
                forced = true;
            } catch (RuntimeException e) {
                LOG.error("journal {}: forcing at close failed: {}", dir, e.toString());
            }
        }
        if (forced) {
            seal();
        }
        synchronized (forceLock) {
            channels.values().forEach(ChronicleJournal::closeQuietly);
            channels.clear();
        }
        if (pretoucher != null) {
            pretoucher.close();
        }
        trash.close();
        if (fileWrites != null) {
            fileWrites.close();
        }
        ownReader.close();
        // After a faulted write Chronicle's own close writes through the map again (end-of-file and header
        // updates) and faults the same way: nothing more can reach the disk then, so report it and go on.
        closeChronicle(appender::close, "appender");
        closeChronicle(queue::close, "queue");
    }

    private void closeChronicle(Runnable close, String what) {
        try {
            close.run();
        } catch (RuntimeException | Error e) {
            LOG.error("journal {}: closing Chronicle's {} failed: {}", dir, what, e.toString());
        }
    }

    @Override
    public void abandon() {
        writeFailed = true;
    }

    @Override
    public Path directory() {
        return dir;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("journal " + dir + " is closed");
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing a channel we only used to fsync; nothing to lose
        }
    }

    /** Registers every cycle file Chronicle lists (at open: {@link StoreFileListener} reports files late). */
    private void registerListedCycles() {
        if (queue.firstCycle() != Integer.MAX_VALUE) {
            for (long cycle : queue.listCyclesBetween(queue.firstCycle(), queue.lastCycle())) {
                registerCycle((int) cycle);
            }
        }
    }

    private void registerCycle(int cycle) {
        cycleFiles.computeIfAbsent(cycle, c -> dir.resolve(fileNameOf(rollCycle, c)).toFile());
    }

    String fileName(int cycle) {
        File f = cycleFiles.get(cycle);
        return f != null ? f.getName() : fileNameOf(rollCycle, cycle);
    }

    /** Chronicle names a cycle file after the UTC start of its cycle in the roll cycle's date format. */
    static String fileNameOf(RollCycle rollCycle, int cycle) {
        java.text.SimpleDateFormat format = new java.text.SimpleDateFormat(rollCycle.format(), java.util.Locale.ROOT);
        format.setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
        return format.format(new java.util.Date(startOfCycle(rollCycle, cycle))) + SingleChronicleQueue.SUFFIX;
    }

    // ---------------------------------------------------------------- for ChronicleJournalReader

    @Override
    public SingleChronicleQueue queue() {
        return queue;
    }

    @Override
    public int fileReadMinBytes() {
        return fileReadMinBytes;
    }

    RollCycle rollCycle() {
        return rollCycle;
    }

    @Override
    public long publishedFirst() {
        return publishedFirst;
    }

    @Override
    public long publishedLast() {
        return publishedLast.get();
    }

    @Override
    public PositionMap positions() {
        return state.positions;
    }

    @Override
    public String describe(long queueIndex) {
        return JournalScan.describe(rollCycle, this::fileName, queueIndex);
    }

    @Override
    public String toString() {
        return "ChronicleJournal[" + dir + ", " + policy + ", " + state.firstIndex + ".." + state.lastIndex + "]";
    }
}
