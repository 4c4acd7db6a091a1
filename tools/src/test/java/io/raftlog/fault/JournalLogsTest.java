package io.raftlog.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlog.journal.ChronicleJournal;
import io.raftlog.journal.FsyncPolicy;
import io.raftlog.pipeline.DataEntry;
import io.raftlog.raft.EntryType;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        List<History.Entry> entries = JournalLogs.read(dir);
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
    void noJournalIsNull(@TempDir Path data) throws Exception {
        Files.createDirectories(data.resolve("empty"));
        assertThat(JournalLogs.findJournal(data.resolve("empty"))).isNull();
        assertThat(JournalLogs.findJournal(data.resolve("missing"))).isNull();
    }
}
