package io.raftlog.raft;

/**
 * What a leader knows about one follower. In PROBE (after a rejection, a stall, or when it just became
 * leader) the leader sends one EMPTY AppendEntries at {@code next - 1} at a time, re-sent each heartbeat, and
 * waits for its answer, which the follower gives at once whatever its flush latency; in REPLICATE (entered
 * once an acknowledgement covers the probe) it streams entries optimistically, advancing {@link #next} as it
 * sends, bounded by the in-flight window.
 */
final class Progress {
    final int peerId;
    /** Highest index the follower acknowledged in this term: durable there and matching our log. */
    long match;
    /** Next index to send. */
    long next;
    boolean replicating;
    /** PROBE only: a probe is out and unanswered, so do not send another until a reply or the next heartbeat. */
    boolean probeSent;
    /** CheckQuorum: the follower answered us since the last check. */
    boolean recentActive;
    /** Leader ticks since the follower last answered (or since this term's leadership began): for operators. */
    int ticksSinceHeard;
    /** REPLICATE: ticks since the follower last acknowledged something new while entries were outstanding. */
    int ticksWithoutProgress;
    final Inflights inflights;

    Progress(int peerId, int maxInflight) {
        this.peerId = peerId;
        this.inflights = new Inflights(maxInflight);
    }

    void resetForNewTerm(long lastIndex) {
        match = 0;
        next = lastIndex + 1;
        recentActive = false;
        ticksSinceHeard = 0;
        becomeProbe(next);
    }

    void becomeProbe(long nextIndex) {
        replicating = false;
        probeSent = false;
        next = nextIndex;
        ticksWithoutProgress = 0;
        inflights.reset();
    }

    void becomeReplicate() {
        replicating = true;
        probeSent = false;
        next = match + 1;
        ticksWithoutProgress = 0;
        inflights.reset();
    }

    /** Records an acknowledgement; returns whether it told us anything new. */
    boolean acknowledge(long matchIndex) {
        if (matchIndex <= match) {
            return false;
        }
        match = matchIndex;
        ticksWithoutProgress = 0;
        if (next <= match) {
            next = match + 1;
        }
        inflights.freeUpTo(match);
        return true;
    }

    /** REPLICATE with entries sent but not acknowledged. */
    boolean outstanding() {
        return replicating && next - 1 > match;
    }

    @Override
    public String toString() {
        return peerId + (replicating ? " replicate" : " probe") + " match=" + match + " next=" + next
            + " inflight=" + inflights.count();
    }
}
