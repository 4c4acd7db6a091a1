package io.raftlog.peers.aeron;

import java.util.function.Supplier;

import io.aeron.driver.Configuration;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.IdleStrategy;

/**
 * How every agent of the peer cluster waits when it has no work: Aeron's own names ("yield", the default here;
 * "backoff", "sleep-ns", "spin", ...), chosen with {@code -Draftlog.peer.aeron.idle=NAME}. On two cores shared by
 * a dozen agents the choice moves Aeron's latency by several times, so it is a switch, and docs/BENCHMARKS.md
 * says which was measured.
 */
final class PeerIdle {
    static final String NAME = System.getProperty("raftlog.peer.aeron.idle", "yield");

    private static final int SOCKET_BUFFER_BYTES = 2 * 1024 * 1024;
    /**
     * The rest of Aeron's standard throughput settings (its low-latency.properties): 8 KiB datagrams, so that
     * many small messages share one system call (the default 1,408 bytes holds a single W1k append), log buffers
     * allocated and pre-touched up front instead of sparse files faulted in while sending. Without them Aeron
     * Cluster ran at about half its speed here (twenty-seventh session: W1 without fsync 285k against 533k,
     * W1k 56k against 103k); {@code -Draftlog.peer.aeron.standardTuning=false} turns them off to repeat older
     * rounds. Agrona's bounds checks, also off in those settings, can only be turned off on the command line.
     */
    static final boolean STANDARD_TUNING = !"false".equals(System.getProperty("raftlog.peer.aeron.standardTuning"));
    private static final int MTU_BYTES = 8 * 1024;

    private PeerIdle() {
    }

    /**
     * Before any Aeron client context exists (each member's archive, consensus module and service container make
     * their own): their mapped log buffers are pre-touched, which only a system property reaches.
     */
    static void applyClientTuning() {
        if (STANDARD_TUNING && System.getProperty("aeron.pre.touch.mapped.memory") == null) {
            System.setProperty("aeron.pre.touch.mapped.memory", "true");
        }
    }

    /** What the result's path says of the settings. */
    static String describe() {
        return "idle " + NAME + (STANDARD_TUNING ? ", mtu 8k, pre-touched log buffers" : ", Aeron's default mtu and sparse log buffers")
            + (Boolean.getBoolean("agrona.disable.bounds.checks") ? ", bounds checks off" : "");
    }

    static IdleStrategy newStrategy() {
        return Configuration.agentIdleStrategy(NAME, null);
    }

    static Supplier<IdleStrategy> supplier() {
        return PeerIdle::newStrategy;
    }

    /**
     * A media driver as every member and the client run it: one thread for all its agents, waiting as above,
     * with the socket buffers and receive window of Aeron's own low-latency.properties (2 MiB each; the
     * default 128 KiB window holds back a thousand outstanding appends).
     */
    static MediaDriver.Context driverContext(String aeronDir) {
        MediaDriver.Context context = new MediaDriver.Context();
        if (STANDARD_TUNING) {
            context.mtuLength(MTU_BYTES).ipcMtuLength(MTU_BYTES).termBufferSparseFile(false);
        }
        return context
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(newStrategy())
            .socketSndbufLength(SOCKET_BUFFER_BYTES)
            .socketRcvbufLength(SOCKET_BUFFER_BYTES)
            .initialWindowLength(SOCKET_BUFFER_BYTES)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true);
    }
}
