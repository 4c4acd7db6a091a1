package io.raftlog.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.raftlog.journal.FileErrors;

import org.HdrHistogram.Histogram;

/**
 * The fastest commit a W2 with fsync could see on this disk, with no Raft, no network and no Java pipeline: the
 * disk's part of the commit latency, to judge raftlog's W2 fsync numbers against, measured in the same minute.
 *
 * <p>Why: the disk this project is measured on changes by 2x within an hour (the 4 KiB dsync write took
 * 270-540 µs on different days, and the floor below went from a p99 of 0.5 ms to 1.0 ms in one afternoon).
 * A W2 fsync result means little without the floor beside it.
 *
 * <p>What it does is what three nodes on one disk do for one outstanding append: in each round every forcer (one
 * thread and one file per node) writes a record and forces it ({@code FileChannel.force(false)}, fdatasync); the
 * round ends when {@code quorum} of them are done, and the next begins at once, while the slowest may still be
 * forcing (it then catches up with one write and one force, as a node's group commit does). The latency of a
 * round is from its start to its quorum-th force. Files are zero-filled first, as raftlog's tail files are, so a
 * force writes data and no file metadata. The threads block while they wait (no spinning, which on two cores
 * would take the CPU the forces need).
 *
 * <p>At a rate ({@code ratePerSec > 0}) it is the floor of an open-loop run with fsync instead ({@code raftlog bench
 * --rate N --durable true}): round k is due at start + k/rate whether or not the one before is done; each forcer,
 * whenever it is free, writes one record and forces it for every round due by then (group commit, as a node's
 * flusher does), and a round's latency runs from its due time to the quorum-th force that covered it. So a
 * stall of the disk is charged to every round that fell due during it, as the load generator charges it to
 * every append.
 *
 * <p>Beside the latencies it counts the forces of the whole run ({@link #forcesPerSecond()}): with records the size
 * of a W1 force (64 KiB) and a quorum of all forcers, that is how many durable writes a second the disk takes from
 * three nodes at once, the ceiling of every W1 or W1k run with fsync (each node forces one batch at a time, so a
 * disk that takes fewer forces a second makes each batch wait longer).
 */
public final class DiskFloor {
    private static final int FILE_BYTES = 4 << 20;
    private static final int MAX_RATE = 1_000_000;
    private static final long MAX_OPEN_LOOP_SLOTS = 50_000_000;

    private final Path dir;
    private final int forcers;
    private final int quorum;
    private final int recordBytes;
    private final int rounds;
    /** Rounds due per second in the open-loop mode; 0: each round starts when the one before completes. */
    private final int ratePerSec;

    private final AtomicLong round = new AtomicLong(); // the round in progress (1-based); 0 before the start
    private final AtomicInteger[] done; // forces finished per round, by round % length
    private final long[] startedNs;
    private final long[] slotRound; // which round a slot holds now
    private final Histogram latencyUs = new Histogram(10_000_000L, 3);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong forces = new AtomicLong();
    private long elapsedNanos;

    /**
     * @param dir         where the forcers' files go (created and deleted here): the journals' disk
     * @param forcers     nodes (3 for the shared workloads)
     * @param quorum      forces a round waits for (2 of 3)
     * @param recordBytes bytes each forcer writes per round (W2's record: about 200)
     * @param rounds      rounds measured
     */
    public DiskFloor(Path dir, int forcers, int quorum, int recordBytes, int rounds) {
        this(dir, forcers, quorum, recordBytes, rounds, 0);
    }

    /**
     * @param ratePerSec rounds due per second, each whether or not the one before is done (open loop); 0 for
     *                   rounds one after another
     */
    public DiskFloor(Path dir, int forcers, int quorum, int recordBytes, int rounds, int ratePerSec) {
        if (forcers < 1 || forcers > 16) {
            throw new IllegalArgumentException("forcers must be in 1..16, got " + forcers);
        }
        if (quorum < 1 || quorum > forcers) {
            throw new IllegalArgumentException("quorum must be in 1.." + forcers + " (the forcers), got " + quorum);
        }
        if (recordBytes < 1 || recordBytes > 1 << 20) {
            throw new IllegalArgumentException("record size must be in 1..1048576 bytes, got " + recordBytes);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        }
        if (ratePerSec < 0 || ratePerSec > MAX_RATE) {
            throw new IllegalArgumentException("rate must be in 0.." + MAX_RATE + " rounds/s (0: one round after another), got " + ratePerSec);
        }
        if (ratePerSec > 0 && (long) rounds * forcers > MAX_OPEN_LOOP_SLOTS) {
            throw new IllegalArgumentException("at a rate, rounds x forcers must be at most " + MAX_OPEN_LOOP_SLOTS
                + " (each forcer keeps the time it covered every round), got " + rounds + " x " + forcers);
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("directory " + dir + " does not exist");
        }
        this.dir = dir;
        this.forcers = forcers;
        this.quorum = quorum;
        this.recordBytes = recordBytes;
        this.rounds = rounds;
        this.ratePerSec = ratePerSec;
        this.done = new AtomicInteger[64];
        for (int i = 0; i < done.length; i++) {
            done[i] = new AtomicInteger();
        }
        this.startedNs = new long[done.length];
        this.slotRound = new long[done.length];
    }

    /** Runs every round and returns the round latencies in microseconds. */
    public Histogram run() throws InterruptedException {
        List<FileChannel> files = new ArrayList<>();
        List<Path> paths = new ArrayList<>();
        try {
            for (int i = 0; i < forcers; i++) {
                Path p = Files.createTempFile(dir, "raftlog-disk-floor-", ".dat");
                paths.add(p);
                FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
                files.add(ch);
                zeroFill(ch);
            }
            OpenLoop openLoop = ratePerSec > 0 ? new OpenLoop(System.nanoTime()) : null;
            for (int i = 0; i < forcers; i++) {
                FileChannel ch = files.get(i);
                int forcer = i;
                Thread t = new Thread(() -> {
                    if (openLoop == null) {
                        force(ch);
                    } else {
                        openLoop.force(forcer, ch);
                    }
                }, "raftlog-disk-floor-" + i);
                t.setDaemon(true);
                threads.add(t);
            }
            long startNanos = System.nanoTime();
            threads.forEach(Thread::start);
            if (openLoop == null) {
                startRound(1);
            }
            for (Thread t : threads) {
                t.join();
            }
            elapsedNanos = System.nanoTime() - startNanos;
            if (openLoop != null && failure.get() == null) {
                openLoop.record();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("measuring the disk in " + dir + " failed: " + FileErrors.describe(e), e);
        } finally {
            threads.forEach(LockSupport::unpark);
            for (FileChannel ch : files) {
                closeQuietly(ch);
            }
            for (Path p : paths) {
                deleteQuietly(p);
            }
        }
        Throwable f = failure.get();
        if (f != null) {
            throw new UncheckedIOException("measuring the disk in " + dir + " failed: "
                + (f instanceof IOException io ? FileErrors.describe(io) : f.getMessage()),
                f instanceof IOException io ? io : new IOException(f));
        }
        return latencyUs;
    }

    /** The one line {@code raftlog bench disk --json} prints for the latencies {@link #run()} returned (µs). */
    public String resultLine(Histogram latencyUs) {
        return new JsonLine("RESULT")
            .text("system", "disk-floor")
            .text("workload", ratePerSec > 0 ? "open-loop" : "W2")
            .bool("durable", true)
            .number("forcers", forcers)
            .number("quorum", quorum)
            .number("bytes", recordBytes)
            .number("rounds", rounds)
            .number("rate", ratePerSec)
            .number("p50_us", latencyUs.getValueAtPercentile(50))
            .number("p90_us", latencyUs.getValueAtPercentile(90))
            .number("p99_us", latencyUs.getValueAtPercentile(99))
            .number("p999_us", latencyUs.getValueAtPercentile(99.9))
            .number("max_us", latencyUs.getMaxValue())
            .number("forces", forces.get())
            .number("forces_per_s", Math.round(forcesPerSecond()))
            .toString();
    }

    /** Forces (write + fdatasync) of all forcers in {@link #run()}. */
    public long forces() {
        return forces.get();
    }

    /** Forces of all forcers a second over {@link #run()}, from the first round's start to the last forcer's end. */
    public double forcesPerSecond() {
        return elapsedNanos <= 0 ? 0 : forces.get() * 1e9 / elapsedNanos;
    }

    private void force(FileChannel ch) {
        ByteBuffer record = ByteBuffer.allocateDirect(recordBytes);
        long position = 0;
        long forcedUpTo = 0; // the last round this forcer has made durable
        try {
            while (forcedUpTo < rounds && failure.get() == null) {
                long r = round.get();
                if (r == Long.MAX_VALUE) {
                    break; // the last round completed without this forcer
                }
                if (r <= forcedUpTo) {
                    LockSupport.park(this);
                    continue;
                }
                // One write and one force cover every round started since this forcer's last (group commit).
                position = writeAndForce(ch, record, position);
                // Rounds before r are complete already (a round starts only once the one before is): only r counts.
                finished(r);
                forcedUpTo = r;
            }
        } catch (IOException | RuntimeException e) {
            failure.compareAndSet(null, e);
            threads.forEach(LockSupport::unpark);
        }
    }

    /** Writes one record at {@code position} (back at the start once the file is full) and forces it; returns where the next goes. */
    private long writeAndForce(FileChannel ch, ByteBuffer record, long position) throws IOException {
        record.clear();
        long at = position + recordBytes > FILE_BYTES ? 0 : position;
        while (record.hasRemaining()) {
            at += ch.write(record, at);
        }
        ch.force(false);
        forces.incrementAndGet();
        return at;
    }

    /** A forcer made round {@code k} durable; the quorum-th to do so records it and starts the next. */
    private void finished(long k) {
        int slot = (int) (k % done.length);
        if (slotRound[slot] != k) {
            return; // a forcer so far behind that its round's slot holds a newer round: that round completed long ago
        }
        if (done[slot].incrementAndGet() == quorum) {
            long now = System.nanoTime();
            latencyUs.recordValue(Math.max(1, (now - startedNs[slot]) / 1000));
            if (k < rounds) {
                startRound(k + 1);
            } else {
                round.set(Long.MAX_VALUE); // the end: every forcer leaves once it has caught up
                threads.forEach(LockSupport::unpark);
            }
        }
    }

    /**
     * Only one thread starts a round (the quorum-th finisher of the one before), and it sets the slot's fields
     * before it publishes the round (a volatile write that the forcers read first).
     */
    private void startRound(long k) {
        int slot = (int) (k % done.length);
        done[slot].set(0);
        slotRound[slot] = k;
        startedNs[slot] = System.nanoTime();
        round.set(k);
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
    }

    /** The open-loop mode: rounds fall due on a clock, and each forcer covers all that are due when it is free. */
    private final class OpenLoop {
        private final long startNs;
        /** By forcer, by round (1-based): when the force that covered it returned. */
        private final long[][] coveredNs = new long[forcers][rounds + 1];

        OpenLoop(long startNs) {
            this.startNs = startNs;
        }

        long dueNs(long k) {
            return startNs + (k - 1) * 1_000_000_000L / ratePerSec;
        }

        /** Rounds due by {@code now}: round k is due at start + (k-1)/rate. */
        long dueBy(long now) {
            return now < startNs ? 0 : Math.min(rounds, (now - startNs) * ratePerSec / 1_000_000_000L + 1);
        }

        void force(int forcer, FileChannel ch) {
            ByteBuffer record = ByteBuffer.allocateDirect(recordBytes);
            long position = 0;
            long forcedUpTo = 0;
            try {
                while (forcedUpTo < rounds && failure.get() == null) {
                    long now = System.nanoTime();
                    long due = dueBy(now);
                    if (due <= forcedUpTo) {
                        LockSupport.parkNanos(this, dueNs(forcedUpTo + 1) - now);
                        continue;
                    }
                    position = writeAndForce(ch, record, position);
                    long forced = System.nanoTime();
                    for (long k = forcedUpTo + 1; k <= due; k++) {
                        coveredNs[forcer][(int) k] = forced;
                    }
                    forcedUpTo = due;
                }
            } catch (IOException | RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }

        /** After every forcer is done (joined): each round's latency is its due time to its quorum-th cover. */
        void record() {
            long[] covers = new long[forcers];
            for (int k = 1; k <= rounds; k++) {
                for (int f = 0; f < forcers; f++) {
                    covers[f] = coveredNs[f][k];
                }
                Arrays.sort(covers);
                long micros = (covers[quorum - 1] - dueNs(k)) / 1000;
                latencyUs.recordValue(Math.min(latencyUs.getHighestTrackableValue(), Math.max(1, micros)));
            }
        }
    }

    private static void zeroFill(FileChannel ch) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        for (long at = 0; at < FILE_BYTES; at += zeros.capacity()) {
            zeros.clear();
            while (zeros.hasRemaining()) {
                ch.write(zeros, at + zeros.position());
            }
        }
        ch.force(true);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // a file measured and about to be deleted: nothing to lose
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp file: the OS cleans its temp directory
        }
    }
}
