package io.raftlog.fault;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition with a deadline instead of sleeping a guessed time: the fault suite synchronises
 * with processes and sockets it does not control, so it polls the observable state and fails with a
 * message naming what never happened.
 */
final class Await {
    private static final long POLL_NANOS = Duration.ofMillis(10).toNanos();

    private Await() {
    }

    /** Polls {@code condition} until it holds; throws {@link AssertionError} naming {@code what} at the deadline. */
    static void until(String what, Duration timeout, BooleanSupplier condition) {
        if (!holdsWithin(timeout, condition)) {
            throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
        }
    }

    /** Polls {@code condition} until it holds or the timeout passes; returns whether it held. */
    static boolean holdsWithin(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("interrupted while waiting");
            }
        }
    }

    /**
     * Lets wall-clock time pass on purpose: the nemesis schedule holds a fault for a chosen time (this is
     * the experiment, not a synchronisation). Returns false if interrupted.
     */
    static boolean pause(long nanos) {
        return pauseUntil(System.nanoTime() + nanos);
    }

    /** {@link #pause} until the {@link System#nanoTime()} value {@code deadline}. */
    static boolean pauseUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return true;
    }
}
