package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Raft index to (document, record) through dense runs and packed documents, truncation and compaction. */
class PositionMapTest {

    private static void assertAt(PositionMap map, long index, long queueIndex, int ordinal) {
        PositionMap.Snapshot s = map.snapshot();
        int segment = s.segmentOf(index);
        assertThat(s.queueIndexOf(segment, index)).as("document of %d", index).isEqualTo(queueIndex);
        assertThat(s.ordinalOf(segment, index)).as("record of %d", index).isEqualTo(ordinal);
    }

    @Test
    void legacyDocumentsStayOneSegmentAndBatchedDocumentsTakeOneEach() {
        PositionMap map = new PositionMap();
        for (long i = 1; i <= 100; i++) {
            map.appended(i, 1000 + i - 1); // one record per document
        }
        assertThat(map.snapshot().size).isEqualTo(1);
        map.documentWritten(101, 50, 1100); // the next document, 50 records
        map.documentWritten(151, 1, 1101); // a document of one
        map.documentWritten(152, 1, 1102);
        map.documentWritten(153, 10, 1103);
        assertAt(map, 1, 1000, 0);
        assertAt(map, 100, 1099, 0);
        assertAt(map, 101, 1100, 0);
        assertAt(map, 150, 1100, 49);
        assertAt(map, 151, 1101, 0);
        assertAt(map, 152, 1102, 0);
        assertAt(map, 153, 1103, 0);
        assertAt(map, 162, 1103, 9);
        assertThat(map.snapshot().size).as("dense run, packed, dense run of two, packed").isEqualTo(4);
        PositionMap.Snapshot s = map.snapshot();
        assertThat(s.segmentEnd(s.segmentOf(120), s.size, 162)).isEqualTo(150);
    }

    @Test
    void aDocumentOfOneBecomesPackedWhenItsSecondRecordArrivesDuringTheScan() {
        PositionMap map = new PositionMap();
        map.appended(1, 10, 0);
        map.appended(2, 11, 0);
        map.appended(3, 11, 1); // document 11 holds 2 and 3: the run 1..2 splits
        map.appended(4, 11, 2);
        map.appended(5, 12, 0);
        assertAt(map, 1, 10, 0);
        assertAt(map, 2, 11, 0);
        assertAt(map, 4, 11, 2);
        assertAt(map, 5, 12, 0);
    }

    @Test
    void truncationAndCompactionKeepOldSnapshotsIntact() {
        PositionMap map = new PositionMap();
        for (int d = 0; d < 40; d++) { // enough documents to grow the arrays
            map.documentWritten(1 + d * 10L, 10, 500 + d);
        }
        PositionMap.Snapshot before = map.snapshot();
        map.truncateAfter(205); // inside document 520 (201..210)
        map.documentWritten(206, 5, 541);
        assertAt(map, 205, 520, 4);
        assertAt(map, 206, 541, 0);
        assertThat(before.queueIndexOf(before.segmentOf(206), 206)).as("an old snapshot still maps the old document").isEqualTo(520);
        map.dropBefore(95);
        assertAt(map, 95, 509, 4);
        assertAt(map, 210, 541, 4);
        map.appended(211, 542, 0);
        map.appended(212, 543, 0);
        assertAt(map, 212, 543, 0);
    }

    @Test
    void manyDocumentsSpanPagesAndTruncationAcrossAPageKeepsOldSnapshotsIntact() {
        PositionMap map = new PositionMap();
        int documents = 10_000; // more than two pages of segments
        for (int d = 0; d < documents; d++) {
            map.documentWritten(1 + d * 3L, 3, d);
        }
        assertThat(map.snapshot().size).isEqualTo(documents);
        for (int d = 0; d < documents; d += 37) {
            assertAt(map, 1 + d * 3L + 2, d, 2);
        }
        PositionMap.Snapshot before = map.snapshot();
        long cut = 1 + 4096 * 3L + 1; // the second record of the first document of the second page
        map.truncateAfter(cut);
        for (int d = 0; d < 5_000; d++) { // rewrites the slots the old snapshot still reads
            map.documentWritten(cut + 1 + d * 2L, 2, 20_000 + d);
        }
        assertAt(map, cut, 4096, 1);
        assertAt(map, cut + 1, 20_000, 0);
        assertAt(map, cut + 10, 20_004, 1);
        for (int d = 4096; d < documents; d += 13) {
            long index = 1 + d * 3L;
            assertThat(before.queueIndexOf(before.segmentOf(index), index)).as("old snapshot at %d", index).isEqualTo(d);
        }
        map.dropBefore(cut - 30);
        assertAt(map, cut - 30, (cut - 30 - 1) / 3, (int) ((cut - 30 - 1) % 3));
        assertAt(map, cut + 10, 20_004, 1);
    }
}
