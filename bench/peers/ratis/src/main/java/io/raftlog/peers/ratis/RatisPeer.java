package io.raftlog.peers.ratis;

import java.util.logging.Level;
import java.util.logging.Logger;

import io.raftlog.bench.AppendTarget;
import io.raftlog.bench.LoadSpec;
import io.raftlog.bench.PeerSystem;

/**
 * Apache Ratis 3.3.0 as a peer of raftlog: {@code java -jar ratis-peer.jar bench --peer ratis --workload W1
 * --durable true}. Three servers in this process over gRPC on loopback, each with its own segmented log in a
 * temporary directory; Ratis's own async client appends to the leader. The settings are Ratis's defaults except
 * those in {@link RatisSettings}.
 */
public final class RatisPeer implements PeerSystem {
    static final String NAME = "ratis";

    /**
     * gRPC (shaded into Ratis) logs through java.util.logging, which keeps its loggers only weakly: a level set on a
     * logger nobody holds may be lost to the garbage collector. This holds it.
     */
    private static final Logger GRPC_LOG = Logger.getLogger("org.apache.ratis.thirdparty.io.grpc");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AppendTarget start(LoadSpec spec) {
        quietLogs();
        RatisGroup group = RatisGroup.start(spec.durable());
        try {
            return new RatisTarget(group, spec.window());
        } catch (RuntimeException e) {
            try {
                group.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Ratis (and the Netty shaded into it) logs through SLF4J, bound here to slf4j-simple, and tells at INFO about
     * every setting it reads, every election and every segment it rolls: noise between the progress lines. WARN and
     * above still show; a -D on the command line wins.
     */
    private static void quietLogs() {
        String ratisLevel = "org.slf4j.simpleLogger.log.org.apache.ratis";
        if (System.getProperty(ratisLevel) == null) {
            System.setProperty(ratisLevel, "warn");
        }
        if (GRPC_LOG.getLevel() == null) {
            GRPC_LOG.setLevel(Level.WARNING);
        }
    }
}
