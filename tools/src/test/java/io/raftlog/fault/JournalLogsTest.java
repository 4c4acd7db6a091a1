package io.raftlog.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlog.journal.ChronicleJournal;
import io.raftlog.journal.FsyncPolicy;
import io.raftlog.journal.JournalOptions;
import io.raftlog.pipeline.DataEntry;
import io.raftlog.raft.EntryType;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalLogsTest {

    @Test
    void readsEveryEntryWithItsTermTypeAndSessionHeader(@TempDir Path data) throws Exception {
        Path dir = data.resolve("journal");
        byte[] payload = Payloads.encode("p1-c0", 5);
        UnsafeBuffer entry = new UnsafeBuffer(new byte[DataEntry.HEADER_LENGTH + payload.length]);
        entry.putLong(DataEntry.CLIENT_ID_OFFSET, 77, ByteOrder.LITTLE_ENDIAN);
        entry.putLong(DataEntry.SEQUENCE_OFFSET, 1, ByteOrder.LITTLE_ENDIAN);
        entry.putBytes(DataEntry.HEADER_LENGTH, payload);
        try (ChronicleJournal j = ChronicleJournal.open(dir, FsyncPolicy.NONE)) {
            j.append(1, 1, EntryType.NOOP, new UnsafeBuffer(new byte[0]), 0, 0);
            j.append(2, 3, EntryType.DATA, entry, 0, entry.capacity());
            j.flush();
        }
        assertThat(JournalLogs.findJournal(data)).isEqualTo(dir);
        JournalLogs.Read read = JournalLogs.read(dir);
        assertThat(read.firstIndex()).isEqualTo(1);
        List<History.Entry> entries = read.entries();
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).type()).isEqualTo(EntryType.NOOP);
        assertThat(entries.get(1).index()).isEqualTo(2);
        assertThat(Payloads.decode(entries.get(1).bytes())).isEqualTo("p1-c0");
        assertThat(entries.get(1).bytes()).isEqualTo(payload);
        assertThat(entries.get(0).term()).isEqualTo(1);
        assertThat(entries.get(1).term()).isEqualTo(3);
        byte[] header = new byte[DataEntry.HEADER_LENGTH];
        entry.getBytes(0, header);
        assertThat(entries.get(1).header()).isEqualTo(header);
        assertThat(entries.get(0).header()).isEmpty();
    }

    @Test
    void aJournalThatInstalledASnapshotStartsPastItAndOneThatDroppedEverythingHasOnlyItsFirstIndex(@TempDir Path data) throws Exception {
        Path dir = data.resolve("journal");
        UnsafeBuffer none = new UnsafeBuffer(new byte[0]);
        JournalOptions seconds = JournalOptions.defaults().rollCycle(TestRollCycles.TEST_SECONDLY);
        try (ChronicleJournal j = ChronicleJournal.open(dir, FsyncPolicy.NONE, seconds)) {
            for (long i = 1; i <= 5; i++) {
                j.append(i, 1, EntryType.NOOP, none, 0, 0);
            }
            j.installSnapshot(7, 2); // a leader's snapshot past the whole log: it is empty after it
            j.flush();
        }
        JournalLogs.Read empty = JournalLogs.read(dir, seconds);
        assertThat(empty.firstIndex()).isEqualTo(8);
        assertThat(empty.entries()).isEmpty();

        try (ChronicleJournal j = ChronicleJournal.open(dir, FsyncPolicy.NONE, seconds)) {
            j.append(8, 2, EntryType.NOOP, none, 0, 0);
            j.append(9, 3, EntryType.NOOP, none, 0, 0);
            j.flush();
        }
        JournalLogs.Read after = JournalLogs.read(dir, seconds);
        assertThat(after.firstIndex()).isEqualTo(8);
        assertThat(after.entries()).extracting(History.Entry::index).containsExactly(8L, 9L);
        assertThat(after.entries()).extracting(History.Entry::term).containsExactly(2L, 3L);
    }

    @Test
    void noJournalIsNull(@TempDir Path data) throws Exception {
        Files.createDirectories(data.resolve("empty"));
        assertThat(JournalLogs.findJournal(data.resolve("empty"))).isNull();
        assertThat(JournalLogs.findJournal(data.resolve("missing"))).isNull();
    }
}
