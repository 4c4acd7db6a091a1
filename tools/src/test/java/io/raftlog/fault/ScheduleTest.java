package io.raftlog.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void sameSeedSamePlan() {
        assertThat(Schedule.generate(42, 60_000).steps).isEqualTo(Schedule.generate(42, 60_000).steps);
        assertThat(Schedule.generate(42, 60_000).steps).isNotEqualTo(Schedule.generate(43, 60_000).steps);
    }

    @Test
    void aRunLongEnoughCoversEveryNemesis() {
        for (long seed = 0; seed < 50; seed++) {
            Schedule s = Schedule.generate(seed, Schedule.coverAllMillis());
            EnumSet<Nemesis> seen = EnumSet.noneOf(Nemesis.class);
            s.steps.forEach(step -> seen.add(step.nemesis()));
            assertThat(seen).as("seed " + seed).containsExactlyInAnyOrder(Nemesis.values());
        }
    }

    @Test
    void stepsDoNotOverlapAndEndWithinTheDuration() {
        for (long seed = 0; seed < 50; seed++) {
            Schedule s = Schedule.generate(seed, 90_000);
            long end = 0;
            for (Schedule.Step step : s.steps) {
                assertThat(step.atMillis()).as("seed " + seed + " " + step).isGreaterThanOrEqualTo(end + 1000);
                end = step.atMillis() + step.holdMillis();
            }
            assertThat(end).isLessThanOrEqualTo(90_000);
        }
    }

    @Test
    void stallsHoldLikeThePartitionsAndNowAndThenPastTheStalledWriteReconnect() {
        long shortOnes = 0;
        long longOnes = 0;
        for (long seed = 0; seed < 20; seed++) {
            for (Schedule.Step s : Schedule.generate(seed, 600_000).steps) {
                if (s.nemesis() != Nemesis.STALL) {
                    continue;
                }
                if (s.holdMillis() > 10_000) {
                    assertThat(s.holdMillis()).isBetween(Schedule.LONG_STALL_MIN_MILLIS, Schedule.LONG_STALL_MAX_MILLIS);
                    longOnes++;
                } else {
                    assertThat(s.holdMillis()).isBetween(2000L, 4500L);
                    shortOnes++;
                }
            }
        }
        assertThat(longOnes).isPositive();
        assertThat(shortOnes).isGreaterThan(3 * longOnes);
        // A long stall never makes a plan end early: where it does not fit, the stall is a short one.
        for (long seed = 0; seed < 50; seed++) {
            Schedule s = Schedule.generate(seed, 12_000);
            s.steps.stream().filter(x -> x.nemesis() == Nemesis.STALL).forEach(x -> assertThat(x.holdMillis()).isLessThanOrEqualTo(4500));
        }
    }

    @Test
    void longRunsKeepDrawingSteps() {
        Schedule s = Schedule.generate(7, 600_000);
        assertThat(s.steps.size()).isGreaterThan(60);
        assertThat(s.steps.stream().filter(x -> x.nemesis() == Nemesis.KILL).count())
            .isGreaterThan(s.steps.stream().filter(x -> x.nemesis() == Nemesis.SLOW).count());
    }
}
