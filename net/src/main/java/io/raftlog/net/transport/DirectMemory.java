package io.raftlog.net.transport;

import java.lang.management.ManagementFactory;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * How many client connections a node's direct memory holds. Each connection's buffers are direct (its outbound
 * ring, and read and write buffers that grow up to the largest frame), and the JVM caps direct memory at
 * {@code -XX:MaxDirectMemorySize}, by default the heap's maximum: a node on a small heap reached the cap long
 * before its connection limit, and every allocation past it made the JVM collect and sleep for about half a
 * second on the transport thread (the raft thread, shared) before failing. Clients are given half of the cap;
 * the rest is for peers, the pipeline and the JDK's own I/O buffers. (Nodes sharing one JVM, as in
 * tests and the in-process benchmark, each count the whole cap.)
 */
final class DirectMemory {
    private DirectMemory() {
    }

    /** The JVM's cap on direct memory in bytes. */
    static long limit() {
        try {
            HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            long set = Long.parseLong(bean.getVMOption("MaxDirectMemorySize").getValue());
            if (set > 0) {
                return set;
            }
        } catch (RuntimeException | LinkageError e) {
            // not a HotSpot JVM: its default follows the heap as HotSpot's does
        }
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * Direct bytes one client connection may come to hold: its ring, a read buffer grown to the largest frame
     * it may send, a write buffer grown to the largest frame its ring holds (an eighth of it).
     */
    static long perClient(TransportConfig config) {
        return (long) config.clientRingCapacity + Math.max(config.readBufferLength, config.maxFrameLength)
            + Math.max(config.writeBufferLength, config.clientRingCapacity / 8);
    }

    /** The client connections whose buffers fit in half of {@code limit}: at most {@code configured}, and at least one. */
    static int clientsThatFit(long limit, long perClient, int configured) {
        return (int) Math.min(configured, Math.max(1, limit / 2 / perClient));
    }
}
