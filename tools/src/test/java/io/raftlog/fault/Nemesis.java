package io.raftlog.fault;

/** The faults the suite injects. Each is healed by the step that injected it before the next step starts. */
enum Nemesis {
    /** kill -9 a node (the leader two times in three) and restart it after the hold. */
    KILL("kill"),
    /** SIGSTOP a node, SIGCONT after the hold: a GC-pause-like freeze. */
    FREEZE("freeze"),
    /** Split the nodes into a majority and a minority that cannot talk. */
    PARTITION("partition"),
    /** Cut the leader off from every other node. */
    ISOLATE_LEADER("isolate-leader"),
    /** Drop traffic in one direction only (leader cannot send, a node cannot receive, or one directed pair). */
    ONE_WAY("one-way"),
    /** Isolate a node and heal it again, over and over, every few hundred milliseconds. */
    FLAP("flap"),
    /**
     * Stall a node's links, or one link: the proxies stop reading, so backpressure builds and the senders'
     * writes block, and hold new connections; at the heal everything held is delivered late, nothing lost.
     * Now and then long enough (over 10 s) for the transport's stalled-write reconnect.
     */
    STALL("stall"),
    /** Delay every byte to and from a node. */
    SLOW("slow"),
    /** kill -9 every node at once, then start them all. */
    RESTART_ALL("restart-all");

    final String label;

    Nemesis(String label) {
        this.label = label;
    }
}
