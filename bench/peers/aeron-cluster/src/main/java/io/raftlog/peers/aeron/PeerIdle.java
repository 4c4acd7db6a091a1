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

    private PeerIdle() {
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
        return new MediaDriver.Context()
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
