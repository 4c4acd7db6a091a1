package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The ring's bookkeeping on its own: which indexes it holds as records wrap, overflow, are skipped,
 * truncated and compacted. Each held record is checked to still carry the bytes written for it.
 */
class RecentRecordsTest {

    private static boolean put(RecentRecords r, long index, int length) {
        return put(r, index, length, 0);
    }

    /** Writes a record of {@code length} (>= 16) bytes for {@code index}: the index, a tag, then a fill of both. */
    private static boolean put(RecentRecords r, long index, int length, long tag) {
        int at = r.claim(length);
        if (at < 0) {
            r.skip(index);
            return false;
        }
        r.buffer().putLong(at, index);
        r.buffer().putLong(at + 8, tag);
        for (int i = 16; i < length; i++) {
            r.buffer().putByte(at + i, (byte) (index + tag + i));
        }
        r.commit(index);
        return true;
    }

    private static void assertIntact(RecentRecords r, long index, int length) {
        assertIntact(r, index, length, 0);
    }

    private static void assertIntact(RecentRecords r, long index, int length, long tag) {
        int at = r.offsetOf(index);
        assertThat(at + length).as("record %d ends within the ring", index).isLessThanOrEqualTo(r.capacity());
        assertThat(r.buffer().getLong(at)).as("record of %d", index).isEqualTo(index);
        assertThat(r.buffer().getLong(at + 8)).as("tag of %d", index).isEqualTo(tag);
        for (int i = 16; i < length; i++) {
            assertThat(r.buffer().getByte(at + i)).as("byte %d of %d", i, index).isEqualTo((byte) (index + tag + i));
        }
    }

    @Test
    void holdsTheNewestRecordsThatFitAndWrapsWithoutSplittingOne() {
        RecentRecords r = new RecentRecords(1024);
        assertThat(r.first()).isGreaterThan(r.last());
        for (long i = 1; i <= 100; i++) {
            assertThat(put(r, i, 200)).isTrue(); // 1024 / 200: 5 fit, the 6th wraps with padding
            assertThat(r.last()).isEqualTo(i);
            for (long j = r.first(); j <= r.last(); j++) {
                assertIntact(r, j, 200);
            }
            // 200 B records aligned to 208: at most 4 whole ones behind the newest survive a wrap
            assertThat(r.last() - r.first() + 1).isBetween(Math.min(i, 3L), 5L);
        }
    }

    @Test
    void recordsLargerThanAQuarterAreNotHeldAndBreakTheRun() {
        RecentRecords r = new RecentRecords(1024);
        put(r, 1, 100);
        put(r, 2, 100);
        assertThat(put(r, 3, 257)).isFalse();
        assertThat(r.holds(1)).isFalse();
        assertThat(r.holds(2)).isFalse();
        assertThat(r.holds(3)).isFalse();
        assertThat(put(r, 4, 256)).isTrue();
        assertThat(r.first()).isEqualTo(4);
        assertThat(r.holds(4)).isTrue();
        assertIntact(r, 4, 256);
    }

    @Test
    void smallRecordsAreBoundedBySlotsAsWellAsBytes() {
        RecentRecords r = new RecentRecords(1024); // 16 slots, 32 records of 32 bytes would fit
        for (long i = 1; i <= 40; i++) {
            put(r, i, 32);
        }
        assertThat(r.first()).isEqualTo(25);
        assertThat(r.last()).isEqualTo(40);
        for (long j = 25; j <= 40; j++) {
            assertIntact(r, j, 32);
        }
    }

    @Test
    void truncationShrinksTheRunAndReappendedIndexesHoldTheNewRecords() {
        RecentRecords r = new RecentRecords(4096);
        for (long i = 1; i <= 10; i++) {
            put(r, i, 64);
        }
        r.truncateAfter(6);
        assertThat(r.holds(7)).isFalse();
        assertThat(r.last()).isEqualTo(6);
        put(r, 7, 100);
        assertThat(r.holds(7)).isTrue();
        assertIntact(r, 7, 100);
        assertIntact(r, 6, 64);
        r.truncateAfter(0); // below everything held
        assertThat(r.holds(1)).isFalse();
        put(r, 1, 40);
        assertThat(r.first()).isEqualTo(1);
        assertIntact(r, 1, 40);
    }

    @Test
    void compactionAndResetDropWhatIsBelow() {
        RecentRecords r = new RecentRecords(4096);
        for (long i = 1; i <= 10; i++) {
            put(r, i, 64);
        }
        r.dropBefore(8);
        assertThat(r.first()).isEqualTo(8);
        r.dropBefore(20); // the whole log (and more)
        assertThat(r.holds(10)).isFalse();
        put(r, 11, 64);
        assertThat(r.first()).isEqualTo(11);
        r.reset(30);
        assertThat(r.holds(11)).isFalse();
        put(r, 31, 64);
        assertThat(r.first()).isEqualTo(31);
    }

    @Test
    void aZeroRingHoldsNothing() {
        RecentRecords r = new RecentRecords(0);
        assertThat(put(r, 1, 32)).isFalse();
        assertThat(r.holds(1)).isFalse();
    }

    @Test
    void randomSizesTruncationsAndSkipsNeverServeStaleBytes() {
        long seed = Long.getLong("journal.seed", System.nanoTime());
        System.out.println("randomSizesTruncationsAndSkipsNeverServeStaleBytes seed=" + seed + " (-Djournal.seed to replay)");
        SplittableRandom random = new SplittableRandom(seed);
        RecentRecords r = new RecentRecords(2048);
        Map<Long, Integer> lengths = new HashMap<>();
        Map<Long, Long> tags = new HashMap<>();
        long last = 0;
        for (int step = 0; step < 20_000; step++) {
            if (random.nextInt(10) == 0 && last > 0) {
                last = random.nextLong(last);
                r.truncateAfter(last);
            } else {
                last++;
                int length = 32 + random.nextInt(random.nextInt(20) == 0 ? 1000 : 200);
                lengths.put(last, length);
                tags.put(last, (long) step); // a re-append at an index after truncation writes different bytes
                put(r, last, length, step);
            }
            assertThat(r.last()).as("seed %d step %d", seed, step).isLessThanOrEqualTo(last);
            if (r.first() <= r.last()) {
                assertThat(r.last()).as("seed %d step %d", seed, step).isEqualTo(last);
            }
            for (long j = r.first(); j <= r.last(); j++) {
                assertIntact(r, j, lengths.get(j), tags.get(j));
            }
        }
    }
}
