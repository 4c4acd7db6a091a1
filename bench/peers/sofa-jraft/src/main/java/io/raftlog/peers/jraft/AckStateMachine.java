package io.raftlog.peers.jraft;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.core.StateMachineAdapter;

/**
 * A state machine that keeps nothing: applying a committed entry only runs the closure the leader attached
 * to it, which answers the client. On followers (and for entries replayed at start) there is no closure. It
 * also tells when its node starts to lead, so that the benchmark waits for a leader without polling.
 */
final class AckStateMachine extends StateMachineAdapter {
    private final Runnable onLeaderStart;

    /** @param onLeaderStart run when this node becomes the leader (on SOFAJRaft's thread: keep it short) */
    AckStateMachine(Runnable onLeaderStart) {
        this.onLeaderStart = onLeaderStart;
    }

    @Override
    public void onLeaderStart(long term) {
        super.onLeaderStart(term);
        onLeaderStart.run();
    }

    @Override
    public void onApply(Iterator entries) {
        while (entries.hasNext()) {
            Closure done = entries.done();
            if (done != null) {
                done.run(Status.OK());
            }
            entries.next();
        }
    }
}
