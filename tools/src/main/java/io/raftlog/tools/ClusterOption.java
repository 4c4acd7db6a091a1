package io.raftlog.tools;

import io.raftlog.bench.Durations;
import io.raftlog.net.client.LogClient;
import io.raftlog.net.client.NodeAddress;

import java.time.Duration;
import java.util.List;

import picocli.CommandLine.Option;

/**
 * The options every client command shares (picocli mixin): where the cluster is and its id. (--verbose is every
 * command's, from {@link Main}.)
 */
public final class ClusterOption {

    @Option(names = "--cluster", required = true, paramLabel = "HOST:PORT,...",
        description = "addresses of the cluster's nodes (the id= prefixes of the server's --cluster are accepted)")
    String cluster;

    @Option(names = "--cluster-id", defaultValue = "0", paramLabel = "ID",
        description = "cluster id the nodes were started with (default: ${DEFAULT-VALUE})")
    long clusterId;

    List<NodeAddress> addresses() {
        try {
            return NodeAddress.parseList(cluster);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--cluster: " + e.getMessage(), e);
        }
    }

    LogClient.Builder client() {
        return LogClient.builder(addresses()).clusterId(clusterId);
    }

    /**
     * A client command's {@code --timeout}: positive and at most {@link LogClient#MAX_TIMEOUT} (the client hands
     * its timeouts to sockets as int milliseconds: a longer one became negative).
     */
    static Duration timeout(String text) {
        Duration d = duration(text, "--timeout");
        if (d.compareTo(LogClient.MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("--timeout must be at most " + LogClient.MAX_TIMEOUT.toDays() + "d, was '"
                + text + "'");
        }
        return d;
    }

    static Duration duration(String text, String option) {
        try {
            Duration d;
            try {
                d = Durations.parse(text);
                d.toMillis(); // what the commands then take of it
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(option + ": duration '" + text + "' is too long");
            }
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(option + " must be positive, was '" + text + "'");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith(option) ? e.getMessage()
                : option + ": " + e.getMessage());
        }
    }
}
