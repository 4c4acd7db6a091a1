package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ThreadNiceTest {

    @BeforeEach
    void onLinux() {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/thread-self/stat")), "needs Linux's /proc");
    }

    @Test
    void raisesTheNiceValueOfTheCallingThreadAloneAndStopsAtTheLowestPriority() throws Exception {
        int base = ThreadNice.currentNice();
        Assumptions.assumeTrue(base + 3 <= ThreadNice.MAX_NICE, "already near the lowest priority");
        AtomicReference<String> failure = new AtomicReference<>();
        int[] seen = new int[3];
        Thread t = new Thread(() -> {
            try {
                failure.set(ThreadNice.lowerCurrentThread(3));
                seen[0] = ThreadNice.currentNice();
                failure.compareAndSet(null, ThreadNice.lowerCurrentThread(ThreadNice.MAX_NICE));
                seen[1] = ThreadNice.currentNice();
                failure.compareAndSet(null, ThreadNice.lowerCurrentThread(0));
                seen[2] = ThreadNice.currentNice();
            } catch (Exception e) {
                failure.set(e.toString());
            }
        });
        t.start();
        t.join();

        assertThat(failure.get()).as("why the priority was not changed").isNull();
        assertThat(seen).containsExactly(base + 3, ThreadNice.MAX_NICE, ThreadNice.MAX_NICE);
        assertThat(ThreadNice.currentNice()).as("the test's own thread is untouched").isEqualTo(base);
    }

    @Test
    void anIncrementOutsideLinuxsRangeIsRefused() {
        assertThatThrownBy(() -> ThreadNice.lowerCurrentThread(-1))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("nice increment must be in 0..19, got -1");
        assertThatThrownBy(() -> ThreadNice.lowerCurrentThread(20))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("nice increment must be in 0..19, got 20");
    }
}
