package io.raftlog.sim;

/**
 * The faults a run injected, by kind, so that a sweep can show every kind happened (a total alone is mostly
 * dropped messages, and would hide a kind that stopped firing).
 *
 * @param crashes        nodes crashed (unforced writes lost)
 * @param partialCrashes of those, crashes that kept part of the unforced entries (a power cut after some
 *                       write-back)
 * @param partitions     partitions, symmetric or one-way
 * @param drops          messages lost
 * @param duplicates     messages delivered twice
 * @param stragglers     messages held one to three election timeouts
 * @param snapshots      snapshots delivered to a node behind a leader's compacted log
 */
public record FaultCounts(long crashes, long partialCrashes, long partitions, long drops, long duplicates,
                          long stragglers, long snapshots) {

    public static final FaultCounts NONE = new FaultCounts(0, 0, 0, 0, 0, 0, 0);

    /** Faults that change what a node sees (snapshots are the protocol's answer to compaction, not a fault). */
    public long total() {
        return crashes + partitions + drops + duplicates + stragglers;
    }

    public FaultCounts plus(FaultCounts o) {
        return new FaultCounts(crashes + o.crashes, partialCrashes + o.partialCrashes, partitions + o.partitions,
            drops + o.drops, duplicates + o.duplicates, stragglers + o.stragglers, snapshots + o.snapshots);
    }

    @Override
    public String toString() {
        return total() + " faults (" + crashes + " crashes, " + partialCrashes + " of them keeping unforced entries, "
            + partitions + " partitions, " + drops + " drops, " + duplicates + " duplicates, " + stragglers
            + " stragglers; " + snapshots + " snapshots sent)";
    }
}
