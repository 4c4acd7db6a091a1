package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.raftlog.raft.HardState;
import io.raftlog.testing.Seeds;

class FileHardStateStoreTest {

    @TempDir
    Path dir;

    @Test
    void aNewStoreLoadsTheInitialStateAndSavedStateSurvivesReopen() {
        Path file = dir.resolve("node/hardstate");
        try (FileHardStateStore s = new FileHardStateStore(file)) {
            assertThat(s.load()).isEqualTo(HardState.INITIAL);
            s.save(new HardState(7, 3));
            s.save(new HardState(8, 0));
        }
        try (FileHardStateStore s = new FileHardStateStore(file)) {
            assertThat(s.load()).isEqualTo(new HardState(8, 0));
        }
    }

    @Test
    void aLeftoverTemporaryFileFromACrashedSaveIsIgnored() throws Exception {
        Path file = dir.resolve("hardstate");
        try (FileHardStateStore s = new FileHardStateStore(file)) {
            s.save(new HardState(4, 2));
        }
        Files.write(dir.resolve("hardstate.tmp"), new byte[] {1, 2, 3}); // a save that died before its rename
        try (FileHardStateStore s = new FileHardStateStore(file)) {
            assertThat(s.load()).isEqualTo(new HardState(4, 2));
        }
    }

    @Test
    void aDamagedFileStopsTheNodeInsteadOfReadingAsTermZero() throws Exception {
        Path file = dir.resolve("hardstate");
        try (FileHardStateStore s = new FileHardStateStore(file)) {
            s.save(new HardState(9, 1));
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(9);
            f.write(0x42);
        }
        try (FileHardStateStore s = new FileHardStateStore(file)) {
            assertThatThrownBy(s::load).hasMessageContaining("checksum").hasMessageContaining(file.toString());
        }
        Files.write(file, new byte[5]);
        try (FileHardStateStore s = new FileHardStateStore(file)) {
            assertThatThrownBy(s::load).hasMessageContaining("not a raftlog hard-state file");
        }
    }

    @Test
    void aNodeNeverVotesTwiceInATermAcrossSigkill() throws Exception {
        long seed = Long.getLong("journal.seed", System.nanoTime());
        Seeds.print("aNodeNeverVotesTwiceInATermAcrossSigkill", seed, "journal.seed");
        SplittableRandom random = new SplittableRandom(seed);
        Path file = dir.resolve("hardstate");
        Map<Long, Integer> votes = new HashMap<>();
        long lastVotedTerm = 0;
        for (int round = 0; round < 5; round++) {
            Path stderr = dir.resolve("child-" + round + ".err");
            List<String> lines;
            try (ChildJvm child = ChildJvm.start(HardStateCrashChild.class, stderr, file.toString(), Long.toString(random.nextLong()))) {
                int wanted = 1 + random.nextInt(200);
                int[] seen = {0};
                boolean voted = child.awaitLine(l -> l.startsWith("VOTE") && ++seen[0] >= wanted, 60_000);
                assertThat(voted).as("child voted; stderr: %s", ChildJvm.readQuietly(stderr)).isTrue();
                lines = child.kill();
                System.out.println("round " + round + ": killed after " + wanted + " votes, " + lines.size() + " lines printed, the last "
                    + (lines.isEmpty() ? "none" : "'" + lines.get(lines.size() - 1) + "'"));
            }
            for (String line : lines) {
                String[] f = line.split(" ");
                long term = Long.parseLong(f[1]);
                int who = Integer.parseInt(f[2]);
                if (f[0].equals("LOADED")) {
                    assertThat(term).as("round %d loads at least the last term it voted in (seed %d)", round, seed)
                        .isGreaterThanOrEqualTo(lastVotedTerm);
                    if (term == lastVotedTerm && votes.containsKey(term)) {
                        assertThat(who).as("round %d remembers its vote in term %d (seed %d)", round, term, seed)
                            .isEqualTo(votes.get(term));
                    }
                } else {
                    Integer before = votes.putIfAbsent(term, who);
                    assertThat(before == null || before == who)
                        .as("voted for %s and then %d in term %d (seed %d)", before, who, term, seed).isTrue();
                    lastVotedTerm = Math.max(lastVotedTerm, term);
                }
            }
        }
        assertThat(votes).isNotEmpty();
    }
}
