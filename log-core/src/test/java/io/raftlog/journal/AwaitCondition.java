package io.raftlog.journal;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a deadline passes (parking briefly between polls, never spinning hot). */
final class AwaitCondition {
    private AwaitCondition() {
    }

    static boolean until(BooleanSupplier condition, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(200_000);
        }
        return true;
    }
}
