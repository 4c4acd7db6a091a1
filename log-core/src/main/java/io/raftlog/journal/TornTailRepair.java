package io.raftlog.journal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Cuts a journal back to its last whole record after a crash left a torn tail (whole documents, then the
 * whole records at the start of the document where the damage begins).
 *
 * <p>Why not just append after the damage: Chronicle resumes writing at the write position recorded in the
 * cycle file's header, which after a power loss may lie beyond pages that never reached the disk (zeros).
 * Records appended there sit behind a hole that readers stop at, so they would vanish at the next start.
 * Instead the damaged cycle is rebuilt: a sibling directory gets hard links to every earlier cycle file and
 * a fresh copy of the whole records from the damaged cycle on; it replaces the journal directory by rename.
 * A crash during repair leaves the original directory untouched (the sibling is discarded at the next try).
 * A clean-close seal is carried over, pointing at the sealed document's place in the rebuilt journal.
 * It costs a copy of at most the files from the damaged one on, and happens only after a crash tore a write.
 */
final class TornTailRepair {
    private TornTailRepair() {
    }

    /**
     * Keeps every document up to {@code lastGoodQueueIndex} and, if {@code keepBytesOfTorn} is positive, that
     * many bytes (the whole records before the first damaged one) of document {@code tornQueueIndex}, which
     * becomes a shorter document of its own.
     */
    static void repair(Path dir, JournalOptions options, int fromCycle, long lastGoodQueueIndex,
                       long tornQueueIndex, int keepBytesOfTorn, Map<Integer, File> cycleFiles) {
        Path tmp = dir.resolveSibling(dir.getFileName() + ".repair");
        Path old = dir.resolveSibling(dir.getFileName() + ".torn");
        CleanCloseSeal.Seal seal = CleanCloseSeal.read(dir);
        // Where the sealed document lives in the rebuilt journal: unchanged in a linked earlier cycle, found
        // while copying otherwise (the copy may land in another cycle). The open refused damage at or below
        // the seal before asking for this repair, so the sealed document is always kept.
        long sealedQueueIndex = seal != null && options.rollCycle.toCycle(seal.queueIndex()) < fromCycle ? seal.queueIndex() : -1;
        try {
            deleteRecursively(tmp);
            deleteRecursively(old);
            Files.createDirectories(tmp);
            for (Map.Entry<Integer, File> e : cycleFiles.entrySet()) {
                if (e.getKey() < fromCycle && e.getValue().exists()) {
                    linkOrCopy(e.getValue().toPath(), tmp.resolve(e.getValue().getName()));
                }
            }
            // The tail files may hold exactly what the torn cycle lost: the journal replays them once repaired.
            for (String name : TailWal.FILE_NAMES) {
                if (Files.exists(dir.resolve(name))) {
                    linkOrCopy(dir.resolve(name), tmp.resolve(name));
                }
            }
            // The copy goes into the current cycle, never one before the files it follows (a clock set back made
            // Chronicle refuse the write, and the node could not start until the clock passed the torn cycle).
            MonotonicClock clock = new MonotonicClock(options.timeProvider);
            clock.raiseTo(ChronicleJournal.startOfCycle(options.rollCycle, fromCycle));
            try (SingleChronicleQueue source = ChronicleJournal.buildQueue(dir, options, true, null);
                 SingleChronicleQueue target = ChronicleJournal.buildQueue(tmp, options, false, null, clock);
                 ExcerptTailer tailer = source.createTailer();
                 ExcerptAppender appender = target.createAppender()) {
                if ((lastGoodQueueIndex >= 0 || keepBytesOfTorn > 0) && tailer.moveToCycle(fromCycle)) {
                    while (true) {
                        try (DocumentContext dc = tailer.readingDocument()) {
                            if (!dc.isPresent()) {
                                break;
                            }
                            long qi = dc.index();
                            long keep;
                            if (qi <= lastGoodQueueIndex) {
                                keep = dc.wire().bytes().readRemaining();
                            } else if (qi == tornQueueIndex && keepBytesOfTorn > 0) {
                                keep = keepBytesOfTorn;
                            } else {
                                break;
                            }
                            Bytes<?> bytes = dc.wire().bytes();
                            try (DocumentContext out = appender.writingDocument()) {
                                out.wire().bytes().write(bytes, bytes.readPosition(), Math.min(keep, bytes.readRemaining()));
                            }
                            if (seal != null && qi == seal.queueIndex()) {
                                sealedQueueIndex = appender.lastIndexAppended();
                            }
                            if (qi == tornQueueIndex) {
                                break;
                            }
                        }
                    }
                }
            }
            if (sealedQueueIndex >= 0) {
                // Everything up to the sealed document is durable again once the loop below forces the copies (the
                // linked files were forced before), so the check carries over instead of lapsing until the next close.
                CleanCloseSeal.write(tmp, sealedQueueIndex, seal.lastIndex());
            }
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path p : files.toList()) {
                    ChronicleJournal.forceFile(p);
                }
            }
            ChronicleJournal.forceDirectory(tmp);
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            ChronicleJournal.forceDirectory(dir.toAbsolutePath().getParent());
            deleteRecursively(old);
        } catch (IOException e) {
            throw new UncheckedIOException("repairing the torn tail of journal " + dir + " failed: " + e.getMessage(), e);
        }
    }

    private static void linkOrCopy(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source);
        } catch (UnsupportedOperationException | FileAlreadyExistsException ex) {
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * A repair that crashed between its two renames left the journal only under the ".torn" name: it is moved
     * back. One that crashed after them, while deleting the old directory, left that beside the repaired journal:
     * it is deleted (left there, an operator who later removed the journal to restore the node from a peer would
     * have had this stale one brought back by the first case).
     */
    static void finishInterrupted(Path dir) {
        Path old = dir.resolveSibling(dir.getFileName() + ".torn");
        try {
            if (!Files.exists(dir) && Files.isDirectory(old)) {
                Files.move(old, dir, StandardCopyOption.ATOMIC_MOVE);
            } else if (Files.isDirectory(dir) && Files.exists(old)) {
                deleteRecursively(old);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore journal " + dir + " from " + old + ": " + e.getMessage(), e);
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
