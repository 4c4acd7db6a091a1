package io.raftlog.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cumulative write counters of the block device that holds a directory, read from Linux's
 * {@code /sys/class/block/DEVICE/stat}: what {@link LoadGenerator} samples at both ends of the measured phase
 * to tell how many bytes and cache flushes the disk took per committed append.
 *
 * <p>Why: under {@code --durable true} the three nodes of an in-process cluster share one disk, and whether a
 * run is bound by the disk or by the cores is not visible in its latency. The counters are the device's, so
 * another process writing to the same disk counts too; on a quiet machine that is the journals alone.
 */
public final class DiskCounters {
    /** The kernel counts in 512-byte sectors whatever the device's block size. */
    static final int SECTOR_BYTES = 512;
    private static final Path SYS_BLOCK = Path.of("/sys/class/block");

    /** The counters at one moment ({@code nanoTime}, the generator's clock); {@code flushes} is -1 on kernels before 5.5. */
    record Sample(long nanoTime, long writeIos, long writeSectors, long flushes) {
    }

    private final String device;
    private final Path stat;

    DiskCounters(String device, Path stat) {
        this.device = device;
        this.stat = stat;
    }

    /**
     * The counters of the device under {@code dir}, or null when there is none to read: no directory, not
     * Linux, or a file system without one block device of its own (tmpfs, overlay, NFS).
     */
    public static DiskCounters of(Path dir) {
        if (dir == null || !Files.isDirectory(SYS_BLOCK)) {
            return null;
        }
        try {
            String name = Files.getFileStore(dir).name(); // "/dev/vda1" for a disk; "tmpfs", "overlay" otherwise
            if (!name.startsWith("/dev/")) {
                return null;
            }
            // A device-mapper volume is named by a link (/dev/mapper/root -> ../dm-0); the counters go by dm-0.
            Path node = Path.of(name).toRealPath();
            String device = node.getFileName().toString();
            Path stat = SYS_BLOCK.resolve(device).resolve("stat");
            return Files.isReadable(stat) ? new DiskCounters(device, stat) : null;
        } catch (IOException | RuntimeException e) {
            return null; // a figure we cannot measure is left out of the result, not guessed
        }
    }

    /** The device's kernel name, e.g. "vda" or "nvme0n1p2". */
    public String device() {
        return device;
    }

    /** The counters now; null if they could not be read (the device went away). */
    Sample read(long nanoTime) {
        try {
            return parse(Files.readString(stat), nanoTime);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * One line of a block device's stat file (Documentation/block/stat.rst): reads at fields 1-4, writes at
     * 5-8 (I/Os, merges, sectors, ticks), in-flight and queue times, discards at 12-15 (since 4.18) and
     * flushes at 16-17 (since 5.5).
     */
    static Sample parse(String line, long nanoTime) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 11) {
            throw new IllegalArgumentException("a block device's stat line has at least 11 fields, this has " + f.length + ": '" + line.trim() + "'");
        }
        try {
            long flushes = f.length >= 17 ? Long.parseLong(f[15]) : -1;
            return new Sample(nanoTime, Long.parseLong(f[4]), Long.parseLong(f[6]), flushes);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a block device's stat line holds numbers only, not '" + line.trim() + "'", e);
        }
    }

    /** What the device did between two samples of its counters; null if either is missing. */
    DiskActivity between(Sample from, Sample to) {
        if (from == null || to == null) {
            return null;
        }
        long flushes = from.flushes() < 0 || to.flushes() < 0 ? -1 : to.flushes() - from.flushes();
        return new DiskActivity(device, (to.writeSectors() - from.writeSectors()) * SECTOR_BYTES,
            to.writeIos() - from.writeIos(), flushes, (to.nanoTime() - from.nanoTime()) / 1e9);
    }
}
