package io.raftlog.net.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SelectorWakeupTest {
    /** Long enough that only a wake-up, never the timeout, can end a select within a test's wait. */
    private static final long SELECT_TIMEOUT_MS = 60_000;

    private Selector selector;
    private SelectorWakeup wakeup;

    @BeforeEach
    void open() throws IOException {
        selector = Selector.open();
        wakeup = new SelectorWakeup(selector);
    }

    @AfterEach
    void close() throws IOException {
        wakeup.close();
        selector.close();
    }

    @Test
    void aWakeFromAnotherThreadEndsABlockingSelectWithTheWakeupsKey() throws Exception {
        CompletableFuture<List<Object>> selected = CompletableFuture.supplyAsync(this::selectBlocking);
        // Whether the select has begun or not, the byte makes it return (a pipe holds it until drained).
        wakeup.wake();

        assertThat(selected.get(10, TimeUnit.SECONDS)).containsExactly(wakeup);
        assertThat(wakeup.fellBack()).isFalse();
    }

    @Test
    void manyWakesBeforeADrainWriteOneByteAndAWakeAfterTheDrainWritesAgain() throws IOException {
        for (int i = 0; i < 1000; i++) {
            wakeup.wake();
        }
        assertThat(readyAttachments()).containsExactly(wakeup);
        wakeup.drain();
        assertThat(readyAttachments()).as("one drain consumed every byte the wakes wrote").isEmpty();

        wakeup.wake();
        assertThat(readyAttachments()).as("a wake after the drain").containsExactly(wakeup);
    }

    /**
     * The protocol of a transport, many times over: the waker publishes work and then wakes; the selecting thread
     * looks for work before it selects, and drains when woken. A wake lost between a drain and the flag it clears
     * would leave the selecting thread asleep with work waiting, here until the one-minute select timeout.
     */
    @Test
    void noWakeIsLostWhileAnotherThreadDrainsAndSelectsAgain() throws Exception {
        int wakes = 20_000;
        AtomicLong published = new AtomicLong();
        CompletableFuture<Long> selecting = CompletableFuture.supplyAsync(() -> {
            long seen = 0;
            while (seen < wakes) {
                long now = published.get();
                if (now > seen) {
                    seen = now;
                    continue;
                }
                try {
                    selector.select(key -> ((SelectorWakeup) key.attachment()).drain(), SELECT_TIMEOUT_MS);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }
            return seen;
        });
        for (int i = 0; i < wakes; i++) {
            published.incrementAndGet();
            wakeup.wake();
        }
        assertThat(selecting.get(30, TimeUnit.SECONDS)).isEqualTo(wakes);
    }

    @Test
    void aWakeFromAnInterruptedThreadStillGoesThroughThePipe() throws Exception {
        Thread.currentThread().interrupt();
        try {
            wakeup.wake();
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt is left for its owner").isTrue();
        }
        assertThat(wakeup.fellBack()).as("a non-blocking channel is not closed by an interrupt").isFalse();
        assertThat(readyAttachments()).containsExactly(wakeup);
    }

    @Test
    void aWakeThatCannotWriteFallsBackToTheSelectorsOwnWakeupAndLeavesNothingAlwaysReady() throws Exception {
        wakeup.closeWritingEndForTest();
        wakeup.wake(); // the write fails: the pipe is closed and the selector woken its own way instead

        assertThat(wakeup.fellBack()).isTrue();
        assertSelectorNeitherSpinsNorSleepsThroughAWake();
    }

    @Test
    void aDrainThatFindsTheWritingEndClosedFallsBackAndLeavesNothingAlwaysReady() throws Exception {
        wakeup.closeWritingEndForTest();
        // The reading end is now readable for good (end of stream): selected, then drained.
        assertThat(readyAttachments()).containsExactly(wakeup);
        wakeup.drain();

        assertThat(wakeup.fellBack()).isTrue();
        assertSelectorNeitherSpinsNorSleepsThroughAWake();
    }

    private void assertSelectorNeitherSpinsNorSleepsThroughAWake() throws Exception {
        selector.selectNow(); // consumes the wake-up the fall-back made, and deregisters the closed pipe
        assertThat(selector.selectNow()).as("nothing left that is always ready (the selector would spin)").isZero();
        assertThat(selector.keys()).as("the pipe's key is gone").isEmpty();

        CompletableFuture<List<Object>> selected = CompletableFuture.supplyAsync(this::selectBlocking);
        wakeup.wake();
        assertThat(selected.get(10, TimeUnit.SECONDS)).as("woken through Selector.wakeup()").isEmpty();
    }

    private List<Object> selectBlocking() {
        List<Object> attachments = new ArrayList<>();
        try {
            selector.select(key -> attachments.add(key.attachment()), SELECT_TIMEOUT_MS);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        return attachments;
    }

    private List<Object> readyAttachments() throws IOException {
        List<Object> attachments = new ArrayList<>();
        selector.selectNow(key -> {
            if (key.isValid() && (key.readyOps() & SelectionKey.OP_READ) != 0) {
                attachments.add(key.attachment());
            }
        });
        return attachments;
    }
}
