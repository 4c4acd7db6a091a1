package io.raftlog.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HiccupMeterTest {

    /** A clock whose sleeps take exactly what was asked, plus whatever the next stall is. */
    private static final class StallingClock implements HiccupMeter.Clock {
        long now;
        long nextStall;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleep(long nanos) {
            now += nanos + nextStall;
            nextStall = 0;
        }
    }

    @Test
    void recordsHowMuchLaterThanAskedEachSleepEnded() {
        StallingClock clock = new StallingClock();
        HiccupMeter meter = HiccupMeter.manual(clock);
        for (int i = 0; i < 997; i++) {
            meter.sampleOnce();
        }
        clock.nextStall = TimeUnit.MILLISECONDS.toNanos(10);
        meter.sampleOnce();
        clock.nextStall = TimeUnit.MICROSECONDS.toNanos(250);
        meter.sampleOnce();
        meter.sampleOnce();

        Histogram h = meter.sample();
        // The 10 ms stall also stands for the nine samples it kept from being taken (9, 8, ... 1 ms late).
        assertThat(h.getTotalCount()).isEqualTo(1_009);
        assertThat(h.getValueAtPercentile(99)).isEqualTo(h.highestEquivalentValue(TimeUnit.MICROSECONDS.toNanos(250)));
        assertThat(h.getValueAtPercentile(99.5)).isEqualTo(h.highestEquivalentValue(TimeUnit.MILLISECONDS.toNanos(5)));
        assertThat(h.getMaxValue()).isEqualTo(h.highestEquivalentValue(TimeUnit.MILLISECONDS.toNanos(10)));
    }

    @Test
    void aRestartForgetsWhatCameBeforeAndASampleStartsTheNextInterval() {
        StallingClock clock = new StallingClock();
        HiccupMeter meter = HiccupMeter.manual(clock);
        clock.nextStall = TimeUnit.MILLISECONDS.toNanos(40); // during warm-up
        meter.sampleOnce();
        meter.restart();
        meter.sampleOnce();
        meter.sampleOnce();

        Histogram measured = meter.sample();
        assertThat(measured.getTotalCount()).isEqualTo(2);
        assertThat(measured.getMaxValue()).isZero();
        assertThat(meter.sample().getTotalCount()).isZero();
    }

    @Test
    void aStartedMeterSamplesOnItsOwnThreadUntilClosed() throws InterruptedException {
        HiccupMeter meter = HiccupMeter.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long seen = 0;
            while (seen < 5 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(HiccupMeter.RESOLUTION_NANOS);
                seen += meter.sample().getTotalCount();
            }
            assertThat(seen).isGreaterThanOrEqualTo(5);
        } finally {
            meter.close();
        }
        assertThat(meter.threadAlive()).isFalse();
    }
}
