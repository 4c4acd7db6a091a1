package io.raftlog.journal;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

class ChronicleJournalContractTest extends JournalContractTest {

    @TempDir
    Path dir;

    @Override
    protected Journal open() {
        return ChronicleJournal.open(dir.resolve("journal"), FsyncPolicy.BATCH);
    }

    @Override
    protected Journal reopen(Journal j) {
        j.close();
        return open();
    }
}
