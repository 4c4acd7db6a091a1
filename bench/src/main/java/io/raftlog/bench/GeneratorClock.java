package io.raftlog.bench;

import java.lang.management.ManagementFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * Time as {@link LoadGenerator} reads and waits for it. A run uses the system's; a test passes a virtual one, so
 * that what a stall does to the measured latencies is exact instead of depending on how busy the machine is.
 */
interface GeneratorClock {

    /** The system's monotonic clock, and parking the calling thread. */
    GeneratorClock SYSTEM = new GeneratorClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void park(Object blocker, long nanos) {
            LockSupport.parkNanos(blocker, nanos);
        }

        @Override
        public long processCpuNanos() {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getProcessCpuTime();
            }
            return -1;
        }
    };

    long nanoTime();

    /** Waits up to {@code nanos}; may return early (an unpark, a spurious wake-up). */
    void park(Object blocker, long nanos);

    /** CPU time used so far by every thread of this process, or -1 where the JVM cannot tell. */
    default long processCpuNanos() {
        return -1;
    }
}
