package io.raftlog.net.transport;

import org.agrona.concurrent.IdleStrategy;

/**
 * Spin, then yield, then block in the transport's selector (see {@link TransportConfig#idle}). Blocking
 * in the selector rather than parking lets network input wake the thread without waiting out a park.
 */
final class TransportIdleStrategy implements IdleStrategy {
    private final Transport transport;
    private final int spins;
    private final int yields;
    private final long blockNs;
    private int idleCycles;

    TransportIdleStrategy(Transport transport, int spins, int yields, long blockNs) {
        this.transport = transport;
        this.spins = spins;
        this.yields = yields;
        this.blockNs = blockNs;
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            idleCycles = 0;
        } else {
            idle();
        }
    }

    @Override
    public void idle() {
        idleCycles++;
        if (idleCycles <= spins) {
            Thread.onSpinWait();
        } else if (idleCycles <= spins + yields) {
            Thread.yield();
        } else {
            transport.block(blockNs);
        }
    }

    @Override
    public void reset() {
        idleCycles = 0;
    }

    @Override
    public String alias() {
        return "transport-selector";
    }
}
