package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.raftlog.journal.ChronicleJournal;
import io.raftlog.journal.FsyncPolicy;
import io.raftlog.journal.NodeStorage;
import io.raftlog.pipeline.DataEntry;
import io.raftlog.raft.EntryType;

class JournalCommandTest {

    @TempDir
    Path data;

    private void writeJournal() {
        writeJournal(data);
    }

    /** Entries 1 to 10 in terms 1 to 3 (the first a no-op) in the journal of data directory {@code data}. */
    static void writeJournal(Path data) {
        try (ChronicleJournal j = NodeStorage.openJournal(data, FsyncPolicy.BATCH)) {
            for (long i = 1; i <= 10; i++) {
                byte[] user = ("hello-" + i).getBytes(StandardCharsets.US_ASCII);
                UnsafeBuffer stored = new UnsafeBuffer(new byte[DataEntry.HEADER_LENGTH + user.length]);
                DataEntry.writeHeader(stored, 0, 0xabc, i); // as a node stores a producer's entry
                stored.putBytes(DataEntry.HEADER_LENGTH, user);
                j.append(i, 1 + i / 5, i == 1 ? EntryType.NOOP : EntryType.DATA, stored, 0, stored.capacity());
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
            .contains("sealed    at index 10 or later");
    }

    @Test
    void dumpListsEntriesFromAnIndexAndMarksNoops() {
        writeJournal();
        CliRun all = CliRun.of("journal", "dump", "--data", data.toString());
        assertThat(all.status()).isEqualTo(0);
        assertThat(all.out().lines()).hasSize(10);
        assertThat(all.out().lines().findFirst().orElseThrow()).startsWith("1\t").contains("noop");
        CliRun some = CliRun.of("journal", "dump", "--data", data.toString(), "--from", "4", "--count", "2");
        // The stored header is shown as the producer's id and sequence, not as payload bytes.
        assertThat(some.out().lines()).containsExactly("4\tterm=1\tdata\t7 B\tclient=abc seq=4\thello-4",
            "5\tterm=2\tdata\t7 B\tclient=abc seq=5\thello-5");
    }

    /** The journal's one cycle file, its first bytes overwritten so that it no longer starts with a queue file header. */
    static Path garbleCycleFile(Path journal) throws IOException {
        List<Path> cycles;
        try (Stream<Path> files = Files.list(journal)) {
            cycles = files.filter(f -> f.toString().endsWith(".cq4")).toList();
        }
        assertThat(cycles).hasSize(1);
        try (FileChannel ch = FileChannel.open(cycles.get(0), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("garbage!".getBytes(StandardCharsets.US_ASCII)), 0);
        }
        return cycles.get(0);
    }

    /**
     * Chronicle refuses such a file with an exception it throws undeclared and that names no file: verify printed
     * "raftlog verify: Unexpected magic number 62726167" (and dump the same) instead of a report.
     */
    @Test
    void aCycleFileThatIsNotAQueueFileIsAProblemNamingTheFile() throws IOException {
        writeJournal();
        Path cycle = garbleCycleFile(NodeStorage.journalDir(data));
        CliRun verify = CliRun.of("journal", "verify", "--data", data.toString());
        assertThat(verify.status()).as(verify.err()).isEqualTo(Cli.FAILURE);
        assertThat(verify.out()).contains("CORRUPT").contains("problem   journal file " + cycle
            + " is damaged: it does not start with a queue file's header (first word 0x62726167)");
        assertThat(verify.err()).doesNotContain("\tat ");
        CliRun.of("journal", "dump", "--data", data.toString()).assertOneLineError(Cli.FAILURE,
            "raftlog journal dump: journal file " + cycle + " is damaged");
    }

    /** An empty cycle file holds no entries; verify said only "OK", now a warning names it (still exit 0). */
    @Test
    void anEmptyCycleFileIsAWarningNamingIt() throws IOException {
        writeJournal();
        Path empty = Files.createFile(NodeStorage.journalDir(data).resolve("20200101-00L.cq4"));
        CliRun verify = CliRun.of("journal", "verify", "--data", data.toString());
        assertThat(verify.status()).as(verify.err()).isEqualTo(Cli.OK);
        assertThat(verify.out()).contains("OK").contains("10 (1 no-op) from index 1 to 10")
            .contains("warning   journal file " + empty + " is empty (0 bytes)");
    }

    /** A missing directory is a bad argument, exit 2 as elsewhere (it was 1); a directory without a journal is 1. */
    @Test
    void aMissingDirectoryIsAUsageErrorAndAnEmptyOneAFailure() {
        CliRun missing = CliRun.of("journal", "verify", "--data", data.resolve("nope").toString());
        assertThat(missing.status()).isEqualTo(Cli.USAGE);
        // the whole command's name: it said "raftlog verify:"
        assertThat(missing.err().lines()).hasSize(1).first().asString().startsWith("raftlog journal verify: --data: no such directory");
        CliRun empty = CliRun.of("journal", "dump", "--data", data.toString());
        assertThat(empty.status()).isEqualTo(1);
        assertThat(empty.err().lines()).hasSize(1).first().asString().contains("no journal files");
    }
}
