package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.raftlog.journal.ChronicleJournal;
import io.raftlog.journal.FsyncPolicy;
import io.raftlog.journal.NodeStorage;
import io.raftlog.raft.EntryType;

class JournalCommandTest {

    @TempDir
    Path data;

    private void writeJournal() {
        try (ChronicleJournal j = NodeStorage.openJournal(data, FsyncPolicy.BATCH)) {
            for (long i = 1; i <= 10; i++) {
                byte[] p = ("hello-" + i).getBytes(StandardCharsets.US_ASCII);
                j.append(i, 1 + i / 5, i == 1 ? EntryType.NOOP : EntryType.DATA, new UnsafeBuffer(p), 0, p.length);
            }
            j.flush();
        }
    }

    @Test
    void verifySummarisesASoundJournal() {
        writeJournal();
        CliRun r = CliRun.of("journal", "verify", "--data", data.toString());
        assertThat(r.status()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("OK").contains("10 (1 no-op) from index 1 to 10").contains("terms 1..3")
            .contains("closed    cleanly at index 10");
    }

    @Test
    void dumpListsEntriesFromAnIndexAndMarksNoops() {
        writeJournal();
        CliRun all = CliRun.of("journal", "dump", "--data", data.toString());
        assertThat(all.status()).isEqualTo(0);
        assertThat(all.out().lines()).hasSize(10);
        assertThat(all.out().lines().findFirst().orElseThrow()).startsWith("1\t").contains("noop");
        CliRun some = CliRun.of("journal", "dump", "--data", data.toString(), "--from", "4", "--count", "2");
        assertThat(some.out().lines()).containsExactly("4\tterm=1\tdata\t7 B\thello-4", "5\tterm=2\tdata\t7 B\thello-5");
    }

    @Test
    void aMissingOrEmptyDirectoryIsAOneLineFailure() {
        CliRun missing = CliRun.of("journal", "verify", "--data", data.resolve("nope").toString());
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err().lines()).hasSize(1).first().asString().contains("no such directory");
        CliRun empty = CliRun.of("journal", "dump", "--data", data.toString());
        assertThat(empty.status()).isEqualTo(1);
        assertThat(empty.err().lines()).hasSize(1).first().asString().contains("no journal files");
    }
}
