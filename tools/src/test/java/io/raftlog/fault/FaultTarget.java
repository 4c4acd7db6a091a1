package io.raftlog.fault;

import java.util.List;
import java.util.Set;

/** What the nemesis can do to a cluster; the real one is {@link Cluster}, tests use a recording fake. */
interface FaultTarget {
    int nodes();

    /** The node a majority currently recognises as leader, or 0 if none is known. */
    int leader();

    void kill(int node);

    void start(int node);

    void freeze(int node);

    void thaw(int node);

    /** Nodes in different groups cannot exchange bytes; links inside a group are untouched. */
    void partition(List<Set<Integer>> groups);

    /** Bytes from {@code from} to {@code to} are dropped (the other direction is untouched). */
    void blockOneWay(int from, int to);

    /**
     * The proxies between {@code a} and {@code b} stop reading in both directions and hold new connections,
     * losing nothing; {@link #healNetwork} delivers what they held.
     */
    void stallLink(int a, int b);

    /** Every byte to and from the node is held for {@code millis}. */
    void slow(int node, long millis);

    /**
     * Every link passes again at full speed, stalled ones deliver what they held; connections that lost bytes
     * are cut so they restart clean.
     */
    void healNetwork();
}
