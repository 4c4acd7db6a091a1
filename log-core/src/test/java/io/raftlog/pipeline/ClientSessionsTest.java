package io.raftlog.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;

import io.raftlog.journal.FsyncPolicy;
import io.raftlog.journal.InMemoryJournal;
import io.raftlog.raft.EntryType;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

class ClientSessionsTest {
    private final ExpandableArrayBuffer entry = new ExpandableArrayBuffer(32);

    private void append(ClientSessions s, long index, long clientId, long sequence) {
        entry.putLong(DataEntry.CLIENT_ID_OFFSET, clientId, ByteOrder.LITTLE_ENDIAN);
        entry.putLong(DataEntry.SEQUENCE_OFFSET, sequence, ByteOrder.LITTLE_ENDIAN);
        s.onAppend(index, entry, 0, DataEntry.HEADER_LENGTH + 3);
    }

    @Test
    void afterASnapshotAResendOfASequenceItDroppedIsRefusedEvenForAClientWithOlderForgottenHistory() {
        ClientSessions s = new ClientSessions(10, 2);
        SessionTrackingLog log = new SessionTrackingLog(new InMemoryJournal(FsyncPolicy.NONE), s);
        // Client 1: three runs (sequences 1, 3, 5) in two slots: the oldest is forgotten (forgottenMax 1).
        long[][] appends = {{1, 1}, {2, 3}, {3, 5}};
        for (long[] a : appends) {
            entry.putLong(DataEntry.CLIENT_ID_OFFSET, 1, ByteOrder.LITTLE_ENDIAN);
            entry.putLong(DataEntry.SEQUENCE_OFFSET, a[1], ByteOrder.LITTLE_ENDIAN);
            log.append(a[0], 1, EntryType.DATA, entry, 0, DataEntry.HEADER_LENGTH + 3);
        }
        // A snapshot replaces the log; the client's sequences up to 50 were in what it dropped. Then 51 arrives.
        log.installSnapshot(100, 1);
        append(s, 101, 1, 51);
        // A resend of 40 may well be in the dropped log: it must not be appended again.
        assertThat(s.lookup(1, 40, 1, true)).isEqualTo(ClientSessions.TOO_OLD);
    }

    @Test
    void aRetriedBatchResolvesToItsOriginalIndexes() {
        ClientSessions s = new ClientSessions(10, 4);
        append(s, 5, 1, 10);
        append(s, 6, 1, 11);
        append(s, 7, 2, 1);
        append(s, 8, 1, 12);
        assertThat(s.lookup(1, 10, 2, false)).isEqualTo(5);
        assertThat(s.lookup(1, 12, 1, false)).isEqualTo(8);
        assertThat(s.lookup(2, 1, 1, false)).isEqualTo(7);
        assertThat(s.lookup(1, 13, 5, false)).isEqualTo(ClientSessions.NEW);
        assertThat(s.lookup(3, 1, 1, false)).isEqualTo(ClientSessions.NEW);
        // 11..12 sit at 6 and 8: not one contiguous append, so not a retry of one.
        assertThat(s.lookup(1, 11, 2, false)).isEqualTo(ClientSessions.CONFLICT);
        // Partly known, partly new.
        assertThat(s.lookup(1, 12, 3, false)).isEqualTo(ClientSessions.CONFLICT);
    }

    @Test
    void onlyTheNewestRunsAreRememberedAndOlderSequencesAreNamedTooOld() {
        ClientSessions s = new ClientSessions(10, 2);
        append(s, 1, 1, 1);
        append(s, 3, 1, 2);
        append(s, 5, 1, 3);
        assertThat(s.lookup(1, 3, 1, false)).isEqualTo(5);
        assertThat(s.lookup(1, 2, 1, false)).isEqualTo(3);
        assertThat(s.lookup(1, 1, 1, false)).isEqualTo(ClientSessions.TOO_OLD);
    }

    @Test
    void truncationForgetsTheEntriesItRemoves() {
        ClientSessions s = new ClientSessions(10, 4);
        for (int i = 0; i < 5; i++) {
            append(s, 10 + i, 1, 100 + i);
        }
        append(s, 15, 2, 1);
        s.onTruncateAfter(12);
        assertThat(s.lookup(1, 100, 3, false)).isEqualTo(10);
        assertThat(s.lookup(1, 103, 1, false)).isEqualTo(ClientSessions.NEW);
        assertThat(s.lookup(2, 1, 1, false)).isEqualTo(ClientSessions.NEW);
        assertThat(s.size()).isEqualTo(1);
    }

    @Test
    void theClientTouchedLongestAgoIsEvictedWhenFull() {
        ClientSessions s = new ClientSessions(2, 4);
        append(s, 1, 1, 1);
        append(s, 2, 2, 1);
        append(s, 3, 1, 2);
        append(s, 4, 3, 1);
        assertThat(s.size()).isEqualTo(2);
        // Client 2 was evicted while its sequence 1 is in the log at index 2. Sent for the first time, a sequence
        // cannot be in the log; sent again (its acknowledgement lost), this table cannot tell, so it refuses.
        assertThat(s.lookup(2, 2, 1, false)).isEqualTo(ClientSessions.NEW);
        assertThat(s.lookup(2, 1, 1, true)).isEqualTo(ClientSessions.TOO_OLD);
        assertThat(s.lookup(1, 2, 1, false)).isEqualTo(3);
    }

    @Test
    void aResendOfAClientNeverSeenIsNewWhileTheTableHasForgottenNoOne() {
        ClientSessions s = new ClientSessions(8, 4);
        append(s, 1, 1, 1);
        assertThat(s.lookup(2, 5, 1, true)).isEqualTo(ClientSessions.NEW);
        s.markIncomplete(); // e.g. rebuilt from the journal's tail only
        assertThat(s.lookup(2, 5, 1, true)).isEqualTo(ClientSessions.TOO_OLD);
        assertThat(s.lookup(2, 5, 1, false)).isEqualTo(ClientSessions.NEW);
    }

    @Test
    void theRunsOfABusyClientGrowUpToTheBound() {
        ClientSessions s = new ClientSessions(10, 32);
        for (int i = 0; i < 40; i++) {
            append(s, 2L * i + 1, 1, i + 1); // interleaved with another client's entries: one run each
        }
        assertThat(s.lookup(1, 40, 1, false)).isEqualTo(79);
        assertThat(s.lookup(1, 9, 1, false)).isEqualTo(17);
        assertThat(s.lookup(1, 8, 1, false)).isEqualTo(ClientSessions.TOO_OLD);
    }

    @Test
    void aSequenceMissingFromTheLogIsNewEvenBelowLaterOnes() {
        // A windowed client: sequence 2 died with the old leader, 3 went through the new one, 2 is retried.
        ClientSessions s = new ClientSessions(10, 8);
        append(s, 1, 1, 1);
        append(s, 2, 1, 3);
        assertThat(s.lookup(1, 2, 1, false)).isEqualTo(ClientSessions.NEW);
        append(s, 3, 1, 2);
        assertThat(s.lookup(1, 2, 1, false)).isEqualTo(3);
        assertThat(s.lookup(1, 3, 1, false)).isEqualTo(2);
    }

    @Test
    void sequencesOfTwoAppendsWithAnotherClientBetweenAreNotOneRetry() {
        ClientSessions s = new ClientSessions(10, 8);
        append(s, 10, 1, 1);
        append(s, 11, 2, 7);
        append(s, 12, 1, 3);
        // Indexes 10 and 12 are two apart like sequences 1 and 3, but 11 is not client 1's.
        assertThat(s.lookup(1, 1, 3, false)).isEqualTo(ClientSessions.CONFLICT);
    }

    @Test
    void afterARebuildFromTheJournalTailOlderSequencesAreNotVouchedFor() {
        ClientSessions s = new ClientSessions(10, 8);
        s.markIncomplete();
        append(s, 500, 1, 40);
        assertThat(s.lookup(1, 39, 1, false)).isEqualTo(ClientSessions.TOO_OLD);
        assertThat(s.lookup(1, 40, 1, false)).isEqualTo(500);
        assertThat(s.lookup(1, 41, 1, false)).isEqualTo(ClientSessions.NEW);
    }
}
