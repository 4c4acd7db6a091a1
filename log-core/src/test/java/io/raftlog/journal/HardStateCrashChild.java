package io.raftlog.journal;

import java.nio.file.Path;
import java.util.SplittableRandom;

import io.raftlog.raft.HardState;

/**
 * The process {@link FileHardStateStoreTest} kills: behaves like a node granting votes. It loads its hard
 * state, then for ever moves to the next term and, unless it already voted in the current one, votes for a
 * random candidate: save first, then print {@code VOTE term candidate} (the vote "leaves the node" only once
 * it is durable, as RaftOutput.persistHardState requires).
 */
public final class HardStateCrashChild {
    private HardStateCrashChild() {
    }

    public static void main(String[] args) {
        FileHardStateStore store = new FileHardStateStore(Path.of(args[0]));
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[1]));
        HardState state = store.load();
        System.out.println("LOADED " + state.term() + " " + state.votedFor());
        while (true) {
            if (state.votedFor() == 0) {
                int candidate = 1 + random.nextInt(5);
                state = new HardState(state.term(), candidate);
                store.save(state);
                System.out.println("VOTE " + state.term() + " " + candidate);
            }
            state = new HardState(state.term() + 1, 0);
            store.save(state);
        }
    }
}
