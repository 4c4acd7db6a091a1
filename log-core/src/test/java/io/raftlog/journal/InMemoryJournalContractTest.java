package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InMemoryJournalContractTest extends JournalContractTest {

    @Override
    protected Journal open() {
        return new InMemoryJournal(FsyncPolicy.BATCH);
    }

    @Override
    protected Journal reopen(Journal j) {
        j.flush(); // a clean shutdown; the in-memory journal keeps what was flushed across its "restart"
        ((InMemoryJournal) j).crash();
        return j;
    }

    @Test
    void aCrashLosesWhatWasNotFlushed() {
        InMemoryJournal j = new InMemoryJournal(FsyncPolicy.BATCH);
        journal = j;
        for (long i = 1; i <= 10; i++) {
            Entries.append(j, i, 1, 0);
        }
        j.flush();
        for (long i = 11; i <= 15; i++) {
            Entries.append(j, i, 1, 0);
        }
        j.crash();
        assertThat(j.lastIndex()).isEqualTo(10);
        assertThat(j.durableIndex()).isEqualTo(10);
    }

    @Test
    void compactionMovesTheFirstIndexExactly() {
        InMemoryJournal j = new InMemoryJournal();
        journal = j;
        for (long i = 1; i <= 10; i++) {
            Entries.append(j, i, 1, 0);
        }
        j.compactBefore(6);
        assertThat(j.firstIndex()).isEqualTo(6);
        assertThat(j.termAt(5)).isEqualTo(1);
        assertThatThrownBy(() -> j.read(5, 1, 10, (i, t, ty, b, o, l) -> true)).isInstanceOf(CompactedException.class);
    }
}
