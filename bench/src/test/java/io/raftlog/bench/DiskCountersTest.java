package io.raftlog.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskCountersTest {

    /** A stat line of a 6.x kernel: 17 fields, flushes in the 16th. */
    private static final String STAT_WITH_FLUSHES =
        "   48532    21728  7452170    35855  6352212   109473 1129928728  1330009        1   745756  1650163    86629       58 848400664   118477  2335141   165821\n";
    /** Before 4.18 the line ended after the in-flight and queue times (11 fields). */
    private static final String STAT_BEFORE_DISCARDS = "48532 21728 7452170 35855 6352212 109473 1129928728 1330009 0 745756 1650163";

    @Test
    void readsWritesSectorsAndFlushesFromTheStatLine() {
        DiskCounters.Sample s = DiskCounters.parse(STAT_WITH_FLUSHES, 7);

        assertThat(s).isEqualTo(new DiskCounters.Sample(7, 6_352_212, 1_129_928_728, 2_335_141));
    }

    @Test
    void anOlderKernelsLineHasNoFlushCount() {
        assertThat(DiskCounters.parse(STAT_BEFORE_DISCARDS, 0).flushes()).isEqualTo(-1);
    }

    @Test
    void aLineThatIsNotABlockDevicesStatIsRejectedByName() {
        assertThatThrownBy(() -> DiskCounters.parse("1 2 3", 0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 11 fields").hasMessageContaining("'1 2 3'");
        assertThatThrownBy(() -> DiskCounters.parse(STAT_BEFORE_DISCARDS.replace("6352212", "x"), 0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numbers only");
    }

    @Test
    void activityIsTheDifferenceOverTheTimeBetweenTheSamples() {
        DiskCounters disk = new DiskCounters("vda", Path.of("unused"));
        DiskCounters.Sample from = new DiskCounters.Sample(1_000_000_000L, 100, 2_000, 10);
        DiskCounters.Sample to = new DiskCounters.Sample(3_000_000_000L, 300, 2_000 + 400_000, 1_010);

        DiskActivity a = disk.between(from, to);

        assertThat(a).isEqualTo(new DiskActivity("vda", 400_000L * 512, 200, 1_000, 2.0));
        assertThat(a.writeMbPerSecond()).isEqualTo(102.4);
        assertThat(a.writesPerSecond()).isEqualTo(100);
        assertThat(a.flushesPerSecond()).isEqualTo(500);
        assertThat(a.bytesPerOp(200_000)).isEqualTo(1_024);
        assertThat(disk.between(null, to)).isNull();
        assertThat(disk.between(from, new DiskCounters.Sample(3_000_000_000L, 300, 2_000, -1)).flushesPerSecond()).isEqualTo(-1);
    }

    @Test
    void noDirectoryMeansNothingToMeasure() {
        assertThat(DiskCounters.of(null)).isNull();
        assertThat(DiskCounters.of(Path.of("no-such-directory-" + System.nanoTime()))).isNull();
    }

    /** On a Linux machine whose temp directory is on a disk, the counters are read and move when a file is forced. */
    @Test
    void countsAForcedWriteOnTheDiskUnderADirectory(@TempDir Path dir) throws IOException {
        DiskCounters disk = DiskCounters.of(dir);
        assumeThat(disk).as("the temp directory is on a block device whose counters Linux exposes").isNotNull();
        DiskCounters.Sample before = disk.read(System.nanoTime());
        assertThat(before).isNotNull();

        try (FileChannel ch = FileChannel.open(dir.resolve("f"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(64 * 1024));
            ch.force(true);
        }
        DiskActivity a = disk.between(before, disk.read(System.nanoTime()));

        assertThat(a.device()).isNotBlank();
        assertThat(a.writeBytes()).as("bytes written to %s", a.device()).isGreaterThanOrEqualTo(64 * 1024);
    }
}
