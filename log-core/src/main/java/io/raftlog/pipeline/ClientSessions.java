package io.raftlog.pipeline;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Exactly-once appends: for each client, the (sequence -> index) of the entries in this node's log, as
 * runs of consecutive sequences at consecutive indexes (a client's batch is one run, so a busy client costs
 * one run per append, not one record per entry). It follows the log, not the commit index: every append
 * and truncation of the log passes through {@link SessionTrackingLog}, so any node that becomes leader
 * already knows what its log holds, committed or not, and answers a retry with the original indexes.
 *
 * <p>Bounded: {@code runsPerClient} recent runs per client (the
 * ring grows on demand, so a client that appends rarely costs little), {@code maxClients} clients (the one touched
 * longest ago is evicted). Only the raft thread uses it.
 */
final class ClientSessions {
    /** {@link #lookup}: the whole range is new to this log. */
    static final long NEW = -1;
    /** {@link #lookup}: the range overlaps what the log holds but cannot be resolved to one run. */
    static final long CONFLICT = -2;
    /** {@link #lookup}: older than the runs remembered for this client. */
    static final long TOO_OLD = -3;

    private static final class Session {
        private final int maxRuns;
        long[] runSequence;
        long[] runIndex;
        int[] runCount;
        int newest = -1; // slot of the newest run
        int size;
        long touchedIndex;

        Session(int maxRuns) {
            this.maxRuns = maxRuns;
            int initial = Math.min(8, maxRuns);
            runSequence = new long[initial];
            runIndex = new long[initial];
            runCount = new int[initial];
        }

        /** Doubles the ring (oldest run first after the copy) until it reaches maxRuns: idle clients stay small. */
        private void grow() {
            int capacity = runCount.length;
            int bigger = Math.min(maxRuns, capacity * 2);
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

        int slot(int ageFromNewest) {
            int s = newest - ageFromNewest;
            return s < 0 ? s + runCount.length : s;
        }

        long lastSequence() {
            return runSequence[newest] + runCount[newest] - 1;
        }

        void record(long sequence, long index) {
            if (size > 0) {
                int n = newest;
                if (sequence == runSequence[n] + runCount[n] && index == runIndex[n] + runCount[n]) {
                    runCount[n]++;
                    touchedIndex = index;
                    return;
                }
            }
            if (size == runCount.length && size < maxRuns) {
                grow();
            }
            newest = (newest + 1) % runCount.length;
            runSequence[newest] = sequence;
            runIndex[newest] = index;
            runCount[newest] = 1;
            size = Math.min(size + 1, runCount.length);
            touchedIndex = index;
        }

        /** The index holding {@code sequence}, or -1; newest runs first (a re-appended sequence wins). */
        long indexOf(long sequence) {
            for (int age = 0; age < size; age++) {
                int s = slot(age);
                long d = sequence - runSequence[s];
                if (d >= 0 && d < runCount[s]) {
                    return runIndex[s] + d;
                }
            }
            return -1;
        }

        long oldestSequence() {
            return runSequence[slot(size - 1)];
        }

        /** Forgets everything at indexes above {@code index}. */
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
                    return;
                }
            }
        }
    }

    private final Long2ObjectHashMap<Session> sessions = new Long2ObjectHashMap<>();
    private final int maxClients;
    private final int maxRunsPerClient;

    ClientSessions(int maxClients, int runsPerClient) {
        this.maxClients = maxClients;
        this.maxRunsPerClient = runsPerClient;
    }

    /** A DATA entry was written at {@code index}; entries too short to carry the header are ignored. */
    void onAppend(long index, DirectBuffer buffer, int offset, int length) {
        if (length < DataEntry.HEADER_LENGTH) {
            return;
        }
        long clientId = buffer.getLong(offset + DataEntry.CLIENT_ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
        long sequence = buffer.getLong(offset + DataEntry.SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN);
        Session s = sessions.get(clientId);
        if (s == null) {
            if (sessions.size() >= maxClients) {
                evictLeastRecent();
            }
            s = new Session(maxRunsPerClient);
            sessions.put(clientId, s);
        }
        s.record(sequence, index);
    }

    /** The log dropped every entry above {@code index}. Rare (a follower's conflict), so a full scan is fine. */
    void onTruncateAfter(long index) {
        sessions.values().removeIf(s -> {
            s.truncateAfter(index);
            return s.size == 0;
        });
    }

    /**
     * Where the append (clientId, sequences [firstSequence, firstSequence + count)) already is: the index of
     * its first entry if all of it sits in the log at consecutive indexes, {@link #NEW} if none of it does,
     * else {@link #TOO_OLD} or {@link #CONFLICT}.
     */
    long lookup(long clientId, long firstSequence, int count) {
        Session s = sessions.get(clientId);
        if (s == null || s.size == 0 || firstSequence > s.lastSequence()) {
            return NEW;
        }
        long lastSequence = firstSequence + count - 1;
        long first = s.indexOf(firstSequence);
        long last = s.indexOf(lastSequence);
        if (first >= 0 && last == first + count - 1) {
            return first;
        }
        if (first < 0 && firstSequence < s.oldestSequence()) {
            return TOO_OLD;
        }
        return CONFLICT;
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
    }
}
