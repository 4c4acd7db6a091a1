package io.raftlog.bench;

/**
 * What the disk under the journals wrote over a measured phase ({@link DiskCounters}).
 *
 * @param device     the block device's kernel name
 * @param writeBytes bytes written to the device (all writers of the device, not only this process)
 * @param writeIos   write requests it completed
 * @param flushes    cache flushes it completed (each fsync/fdatasync sends one); -1 where the kernel does not count them
 * @param seconds    wall time between the two samples
 */
public record DiskActivity(String device, long writeBytes, long writeIos, long flushes, double seconds) {

    public double writeMbPerSecond() {
        return seconds > 0 ? writeBytes / seconds / 1e6 : 0;
    }

    public double writesPerSecond() {
        return seconds > 0 ? writeIos / seconds : 0;
    }

    /** Flushes a second, or -1 when not counted. */
    public double flushesPerSecond() {
        return flushes < 0 || seconds <= 0 ? -1 : flushes / seconds;
    }

    /** Bytes written to the device per committed append: the write amplification, payload and all copies included. */
    public double bytesPerOp(long ops) {
        return ops > 0 ? (double) writeBytes / ops : 0;
    }
}
