package io.raftlog.net.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The window's bookkeeping: dense sequences, slot reuse only after older ones finish, rewind, expiry. */
class AppendWindowTest {
    private final List<String> outcomes = new ArrayList<>();
    private final AppendCallback recorder = new AppendCallback() {
        @Override
        public void onAppended(long sequence, long index) {
            outcomes.add(sequence + "@" + index);
        }

        @Override
        public void onFailed(long sequence, Throwable error) {
            outcomes.add(sequence + "!" + error.getMessage());
        }
    };

    private static UnsafeBuffer bytes(String s) {
        return new UnsafeBuffer(s.getBytes());
    }

    private long add(AppendWindow w, String payload, long deadline) {
        UnsafeBuffer b = bytes(payload);
        return w.add(b, 0, b.capacity(), recorder, 0, deadline);
    }

    @Test
    void sequencesAreDenseFromOneAndTheWindowFillsAtCapacity() {
        AppendWindow w = new AppendWindow(3, 8);
        assertThat(add(w, "a", 100)).isEqualTo(1);
        assertThat(add(w, "b", 100)).isEqualTo(2);
        assertThat(add(w, "c", 100)).isEqualTo(3);
        assertThat(w.isFull()).isTrue();
        assertThatThrownBy(() -> add(w, "d", 100)).isInstanceOf(IllegalStateException.class);
        assertThat(w.payload(2).getStringWithoutLengthAscii(0, w.length(2))).isEqualTo("b");
    }

    @Test
    void anOutOfOrderAckFreesRoomOnlyWhenTheOldestFinishes() {
        AppendWindow w = new AppendWindow(2, 8);
        add(w, "a", 100);
        add(w, "b", 100);
        AppendWindow.Completions c = new AppendWindow.Completions();
        assertThat(w.acked(2, 50, 1, c)).isEqualTo(1);
        assertThat(w.isFull()).as("slot 1 still pending: no reuse").isTrue();
        assertThat(w.acked(1, 49, 1, c)).isEqualTo(1);
        assertThat(w.isEmpty()).isTrue();
        c.deliver();
        assertThat(outcomes).containsExactly("2@50", "1@49");
    }

    @Test
    void aCallbackThatThrowsAnErrorDoesNotStopTheOtherCompletions() {
        AppendWindow w = new AppendWindow(8, 8);
        AppendCallback failing = new AppendCallback() {
            @Override
            public void onAppended(long sequence, long index) {
                throw new AssertionError("a user's assertion in a callback");
            }

            @Override
            public void onFailed(long sequence, Throwable error) {
            }
        };
        UnsafeBuffer b = bytes("a");
        w.add(b, 0, b.capacity(), failing, 0, 100);
        add(w, "b", 100);
        AppendWindow.Completions c = new AppendWindow.Completions();
        w.acked(1, 10, 2, c);
        List<Throwable> reported = new ArrayList<>();
        Thread t = Thread.currentThread();
        Thread.UncaughtExceptionHandler before = t.getUncaughtExceptionHandler();
        t.setUncaughtExceptionHandler((thread, e) -> reported.add(e));
        try {
            c.deliver();
        } finally {
            t.setUncaughtExceptionHandler(before);
        }
        assertThat(outcomes).containsExactly("2@11");
        assertThat(reported).singleElement().isInstanceOf(AssertionError.class);
    }

    @Test
    void aFaultThatEscapesTheDeliveryLeavesTheRestToTheNextDeliveryAndCallsNoCallbackTwice() {
        // When even the uncaught-exception handler throws, the fault ends the send thread, and the client's close
        // delivers what is left. That delivery called the first callbacks again (the failed one a second time).
        AppendWindow w = new AppendWindow(8, 8);
        AppendCallback failing = new AppendCallback() {
            @Override
            public void onAppended(long sequence, long index) {
                outcomes.add(sequence + "@" + index + " threw");
                throw new IllegalStateException("a bug in a user's callback");
            }

            @Override
            public void onFailed(long sequence, Throwable error) {
            }
        };
        add(w, "a", 100);
        UnsafeBuffer b = bytes("b");
        w.add(b, 0, b.capacity(), failing, 0, 100);
        add(w, "c", 100);
        AppendWindow.Completions c = new AppendWindow.Completions();
        w.acked(1, 10, 3, c);
        Thread t = Thread.currentThread();
        Thread.UncaughtExceptionHandler before = t.getUncaughtExceptionHandler();
        t.setUncaughtExceptionHandler((thread, e) -> {
            throw new OutOfMemoryError("the handler itself failed");
        });
        try {
            assertThatThrownBy(c::deliver).isInstanceOf(OutOfMemoryError.class);
        } finally {
            t.setUncaughtExceptionHandler(before);
        }
        assertThat(outcomes).containsExactly("1@10", "2@11 threw");
        assertThat(c.isEmpty()).as("one outcome left").isFalse();
        c.deliver();
        assertThat(outcomes).containsExactly("1@10", "2@11 threw", "3@12");
        assertThat(c.isEmpty()).isTrue();
    }

    @Test
    void aSlotGrownByALargePayloadShrinksWhenItIsReusedForASmallOne() {
        AppendWindow w = new AppendWindow(2, 8);
        UnsafeBuffer large = new UnsafeBuffer(new byte[1 << 20]);
        long big = w.add(large, 0, large.capacity(), recorder, 0, 100);
        assertThat(w.payload(big).capacity()).isGreaterThanOrEqualTo(1 << 20);
        AppendWindow.Completions c = new AppendWindow.Completions();
        w.acked(big, 1, 1, c);
        add(w, "a", 100);
        long reused = add(w, "b", 100); // the large one's slot again (a window of two slots)
        assertThat(reused & 1).isEqualTo(big & 1);
        assertThat(w.payload(reused).capacity()).isLessThanOrEqualTo(AppendWindow.MAX_RETAINED_BYTES);
        assertThat(w.payload(reused).getStringWithoutLengthAscii(0, w.length(reused))).isEqualTo("b");
    }

    @Test
    void duplicateAndOverlappingAcksFinishEachSequenceOnce() {
        AppendWindow w = new AppendWindow(8, 8);
        for (int i = 0; i < 4; i++) {
            add(w, "p" + i, 100);
        }
        AppendWindow.Completions c = new AppendWindow.Completions();
        w.acked(1, 10, 2, c);
        w.acked(1, 10, 3, c);
        w.acked(1, 10, 4, c);
        c.deliver();
        assertThat(outcomes).containsExactly("1@10", "2@11", "3@12", "4@13");
    }

    @Test
    void rewindResendsEverythingUnfinishedAndRemembersWhatWasSent() {
        AppendWindow w = new AppendWindow(8, 8);
        for (int i = 0; i < 5; i++) {
            add(w, "p" + i, 100);
        }
        w.sentUpTo(4);
        AppendWindow.Completions c = new AppendWindow.Completions();
        w.acked(1, 1, 1, c);
        w.rewind();
        assertThat(w.sendNext()).isEqualTo(2);
        assertThat(w.wasSent(3)).isTrue();
        assertThat(w.wasSent(4)).isFalse();
    }

    @Test
    void aFirstSendRefusedAsNotAppendedCountsAsNeverSentUntilItIsSentAgain() {
        AppendWindow w = new AppendWindow(8, 8);
        for (int i = 0; i < 4; i++) {
            add(w, "p" + i, 100);
        }
        w.sentUpTo(5);
        w.notAppended(2, 2);
        assertThat(w.wasSent(1)).isTrue();
        assertThat(w.wasSent(2)).isFalse();
        assertThat(w.wasSent(3)).isFalse();
        assertThat(w.wasSent(4)).isTrue();
        w.rewind();
        w.sentUpTo(5); // on the wire again: may be in a log now
        assertThat(w.wasSent(2)).isTrue();
        // A slot reused for a new sequence starts unsent.
        AppendWindow.Completions c = new AppendWindow.Completions();
        w.acked(1, 1, 4, c);
        add(w, "p4", 100);
        assertThat(w.wasSent(5)).isFalse();
    }

    @Test
    void expiryFailsOnlyAppendsPastTheirDeadline() {
        AppendWindow w = new AppendWindow(8, 8);
        add(w, "a", 10);
        add(w, "b", 20);
        AppendWindow.Completions c = new AppendWindow.Completions();
        assertThat(w.earliestDeadline()).isEqualTo(10);
        assertThat(w.expire(15, new LogClientException("late"), c)).isEqualTo(1);
        c.deliver();
        assertThat(outcomes).containsExactly("1!late");
        assertThat(w.lowest()).isEqualTo(2);
        assertThat(w.earliestDeadline()).isEqualTo(20);
    }

    @Test
    void slotsAreReusedWithLargerPayloads() {
        AppendWindow w = new AppendWindow(1, 2);
        AppendWindow.Completions c = new AppendWindow.Completions();
        add(w, "x", 100);
        w.acked(1, 1, 1, c);
        add(w, "a much longer payload than the slot started with", 100);
        assertThat(w.payload(2).getStringWithoutLengthAscii(0, w.length(2)))
            .isEqualTo("a much longer payload than the slot started with");
    }
}
