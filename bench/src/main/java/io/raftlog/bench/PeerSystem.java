package io.raftlog.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Another replicated log that {@code raftlog bench --peer NAME} drives with the same workloads, generator and
 * reports as raftlog, so that both are measured side by side on one machine by one piece of measuring code.
 * Implementations live outside the raftlog build (bench/peers/, each with its own dependencies) and are found
 * on the class path with {@link ServiceLoader}.
 */
public interface PeerSystem {

    /** The name {@code --peer} selects and the RESULT line's {@code system}, e.g. "aeron-cluster". */
    String name();

    /**
     * Starts a 3-node cluster of this system in this process, durable as {@code spec} says (an entry counts
     * only once forced to disk on a majority, or page cache only), and returns a target that appends through
     * the system's own client. Closing the target stops the cluster and deletes its files.
     */
    AppendTarget start(LoadSpec spec);

    /** The peer named {@code name} on the class path, or an error that names the ones there are. */
    static PeerSystem named(String name) {
        return named(name, ServiceLoader.load(PeerSystem.class));
    }

    static PeerSystem named(String name, Iterable<PeerSystem> available) {
        List<String> names = new ArrayList<>();
        for (PeerSystem peer : available) {
            if (peer.name().equals(name)) {
                return peer;
            }
            names.add(peer.name());
        }
        throw new IllegalArgumentException("no peer system named '" + name + "' on the class path ("
            + (names.isEmpty() ? "none is: peers are built apart, see docs/BENCHMARKS.md, \"Peers\"" : "there are: " + String.join(", ", names))
            + ")");
    }
}
