package io.raftlog.pipeline;


import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Exactly-once appends: for each client, the (sequence -> index) of the entries in this node's log, as
 * runs of consecutive sequences at consecutive indexes (a client's batch is one run, so a busy client costs
 * one run per append, not one record per entry). It follows the log, not the commit index: every append
 * and truncation of the log passes through {@link SessionTrackingLog}, so any node that becomes leader
 * already knows what its log holds, committed or not, and answers a retry with the original indexes.
 *
 * <p>Sequences may reach the log out of order (a windowed client retries the appends a dead leader lost
 * after later ones already went through the new leader), so "new" means "none of these sequences is in the
 * log", not "above the last one". What the table cannot vouch for - sequences of runs it dropped to stay
 * bounded, or from before the journal tail it was rebuilt from - it calls {@link #TOO_OLD} rather than
 * guess: refusing a retry is recoverable, a duplicate in the stream is not.
 *
 * <p>Bounded: {@code runsPerClient} recent runs per client (the ring grows on demand, so a client that
 * appends rarely costs little), {@code maxClients} clients (the one touched longest ago is evicted). Only
 * the raft thread uses it.
 */
final class ClientSessions {
    /** {@link #lookup}: none of the range is in the log. */
    static final long NEW = -1;
    /** {@link #lookup}: part of the range is in the log, or all of it but not as one append. */
    static final long CONFLICT = -2;
    /** {@link #lookup}: the range may be in the log but this table no longer remembers it. */
    static final long TOO_OLD = -3;

    private static final class Session {
        private final int maxRuns;
        long[] runSequence;
        long[] runIndex;
        int[] runCount;
        int newest = -1; // slot of the newest run
        int size;
        long touchedIndex;
        long maxSequence = Long.MIN_VALUE;
        /** The highest sequence that may be in the log without being in a remembered run. */
        long forgottenMax;

        Session(int maxRuns, long forgottenMax) {
            this.maxRuns = maxRuns;
            this.forgottenMax = forgottenMax;
            int initial = Math.min(8, maxRuns);
            runSequence = new long[initial];
            runIndex = new long[initial];
            runCount = new int[initial];
        }

        int slot(int ageFromNewest) {
            int s = newest - ageFromNewest;
            return s < 0 ? s + runCount.length : s;
        }

        /** Doubles the ring (oldest run first after the copy) until it reaches maxRuns: idle clients stay small. */
        private void grow() {
            int bigger = Math.min(maxRuns, runCount.length * 2);
            long[] seq = new long[bigger];
            long[] idx = new long[bigger];
            int[] cnt = new int[bigger];
            for (int i = 0; i < size; i++) {
                int from = slot(size - 1 - i);
                seq[i] = runSequence[from];
                idx[i] = runIndex[from];
                cnt[i] = runCount[from];
            }
            runSequence = seq;
            runIndex = idx;
            runCount = cnt;
            newest = size - 1;
        }

        void record(long sequence, long index) {
            touchedIndex = index;
            maxSequence = Math.max(maxSequence, sequence);
            if (size > 0) {
                int n = newest;
                if (sequence == runSequence[n] + runCount[n] && index == runIndex[n] + runCount[n]) {
                    runCount[n]++;
                    return;
                }
            }
            if (size == runCount.length && size < maxRuns) {
                grow();
            }
            newest = (newest + 1) % runCount.length;
            if (size == runCount.length) {
                // The oldest run is overwritten: its sequences may still be in the log, unremembered.
                forgottenMax = Math.max(forgottenMax, runSequence[newest] + runCount[newest] - 1);
            }
            runSequence[newest] = sequence;
            runIndex[newest] = index;
            runCount[newest] = 1;
            size = Math.min(size + 1, runCount.length);
        }

        /** The slot of the newest run holding {@code sequence}, or -1. */
        int runOf(long sequence) {
            for (int age = 0; age < size; age++) {
                int s = slot(age);
                long d = sequence - runSequence[s];
                if (d >= 0 && d < runCount[s]) {
                    return s;
                }
            }
            return -1;
        }

        boolean overlaps(long first, long last) {
            for (int age = 0; age < size; age++) {
                int s = slot(age);
                if (runSequence[s] <= last && runSequence[s] + runCount[s] - 1 >= first) {
                    return true;
                }
            }
            return false;
        }

        /** Forgets everything at indexes above {@code index} (those entries left the log). */
        void truncateAfter(long index) {
            while (size > 0) {
                int n = newest;
                if (runIndex[n] > index) {
                    newest = newest == 0 ? runCount.length - 1 : newest - 1;
                    size--;
                } else {
                    long keep = index - runIndex[n] + 1;
                    if (keep < runCount[n]) {
                        runCount[n] = (int) keep;
                    }
                    break;
                }
            }
            maxSequence = forgottenMax;
            for (int age = 0; age < size; age++) {
                int s = slot(age);
                maxSequence = Math.max(maxSequence, runSequence[s] + runCount[s] - 1);
            }
        }
    }

    private final Long2ObjectHashMap<Session> sessions = new Long2ObjectHashMap<>();
    private final int maxClients;
    private final int maxRunsPerClient;
    /** True once the table may have lost history (rebuilt from a tail of the journal, or a client evicted). */
    private boolean incomplete;

    ClientSessions(int maxClients, int runsPerClient) {
        this.maxClients = maxClients;
        this.maxRunsPerClient = runsPerClient;
    }

    /** The journal before the entries about to be replayed was not scanned: older history is unknown. */
    void markIncomplete() {
        incomplete = true;
    }

    /** A DATA entry was written at {@code index}; entries too short to carry the header are ignored. */
    void onAppend(long index, DirectBuffer buffer, int offset, int length) {
        if (length < DataEntry.HEADER_LENGTH) {
            return;
        }
        long clientId = DataEntry.clientId(buffer, offset);
        long sequence = DataEntry.sequence(buffer, offset);
        Session s = sessions.get(clientId);
        if (s == null) {
            if (sessions.size() >= maxClients) {
                evictLeastRecent();
            }
            // Without the full history, anything below the first sequence seen may be in the log already.
            s = new Session(maxRunsPerClient, incomplete ? sequence - 1 : Long.MIN_VALUE);
            sessions.put(clientId, s);
        }
        s.record(sequence, index);
    }

    /** Forgets every session (the log was replaced by a snapshot); {@link #markIncomplete()} should follow. */
    void clear() {
        sessions.clear();
    }

    /** The log dropped every entry above {@code index}. Rare (a follower's conflict), so a full scan is fine. */
    void onTruncateAfter(long index) {
        sessions.values().removeIf(s -> {
            s.truncateAfter(index);
            return s.size == 0 && s.forgottenMax == Long.MIN_VALUE;
        });
    }

    /**
     * Where the append (clientId, sequences [firstSequence, firstSequence + count)) already is: the index of
     * its first entry if all of it sits in the log as one run (one earlier append), {@link #NEW} if none of
     * it is in the log, else {@link #CONFLICT} or {@link #TOO_OLD}.
     *
     * @param resend the client sent these sequences before (the APPEND frame's RESEND flag). A client this table
     *        does not know is then {@link #TOO_OLD} if the table may have forgotten it (evicted, or from before
     *        the journal tail it was rebuilt from, or before a snapshot): its earlier send may be in the log.
     *        Without the flag the sequences were never sent, so they cannot be in the log.
     */
    long lookup(long clientId, long firstSequence, int count, boolean resend) {
        Session s = sessions.get(clientId);
        if (s == null) {
            return resend && incomplete ? TOO_OLD : NEW;
        }
        if (firstSequence > s.maxSequence) {
            return NEW; // the common case: a client's next append
        }
        long lastSequence = firstSequence + count - 1;
        int run = s.runOf(firstSequence);
        if (run >= 0 && lastSequence - s.runSequence[run] < s.runCount[run]) {
            return s.runIndex[run] + (firstSequence - s.runSequence[run]);
        }
        if (s.overlaps(firstSequence, lastSequence)) {
            return CONFLICT;
        }
        return firstSequence <= s.forgottenMax ? TOO_OLD : NEW;
    }

    int size() {
        return sessions.size();
    }

    private void evictLeastRecent() {
        long victim = 0;
        long oldest = Long.MAX_VALUE;
        for (Long2ObjectHashMap<Session>.EntryIterator it = sessions.entrySet().iterator(); it.hasNext(); ) {
            it.next();
            Session s = it.getValue();
            if (s.touchedIndex < oldest) {
                oldest = s.touchedIndex;
                victim = it.getLongKey();
            }
        }
        sessions.remove(victim);
        incomplete = true; // if the victim comes back, its older sequences are unknown
    }
}
