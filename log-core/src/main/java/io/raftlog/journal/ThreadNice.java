package io.raftlog.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

/**
 * Lowers the CPU priority (Linux's nice value) of the calling thread, for the journal's background threads:
 * their work (reading the cycle file ahead of the writer, writing it back behind, dropping old pages from the
 * cache) has a quarter of a second of slack, while a raft thread, a flusher or a client waiting for a core holds
 * up every append behind it.
 *
 * <p>Why: on the two cores of the benchmark machine three nodes and a client keep nine or more threads busy, and
 * the scheduler shares the cores by weight. `/proc/PID/task/TID/schedstat` over 5 s of W1 without fsync showed
 * each raft thread waiting for a core 0.14-0.18 ms per wake-up, about 40% of its wall time for the leader, while
 * the three pretoucher threads took a quarter of a core. At nice 10 a pretoucher weighs a tenth of a nice-0
 * thread when both want a core, and still all of a core nobody else wants (docs/BENCHMARKS.md, eighteenth session).
 * RocksDB lowers its compaction threads' priority for the same reason.
 *
 * <p>How: {@code setpriority(PRIO_PROCESS, tid, nice)}; on Linux a thread is a task with a nice value of its own,
 * and a thread id given as the "process" sets that thread's alone. The thread id and the current value come from
 * {@code /proc/thread-self}. Raising a nice value needs no privilege (lowering it again would). Off Linux, or where
 * the binding or {@code /proc} is missing, nothing changes and the reason is returned.
 */
final class ThreadNice {
    /** The highest nice value Linux has: the lowest priority. */
    static final int MAX_NICE = 19;
    private static final int PRIO_PROCESS = 0;
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");
    private static final LibC LIBC = Libc.bind(LibC.class); // null: not Linux, or no jnr here

    /** The part of libc used here. */
    public interface LibC {
        @SaveError
        int setpriority(int which, int who, int prio);
    }

    private ThreadNice() {
    }

    /**
     * Adds {@code increment} to the calling thread's nice value (capped at {@link #MAX_NICE}); returns null once
     * done, or why it was not.
     */
    static String lowerCurrentThread(int increment) {
        if (increment < 0 || increment > MAX_NICE) {
            throw new IllegalArgumentException("nice increment must be in 0.." + MAX_NICE + ", got " + increment);
        }
        if (increment == 0) {
            return null;
        }
        if (LIBC == null) {
            return "no binding of libc's setpriority here";
        }
        try {
            int tid = Integer.parseInt(Files.readSymbolicLink(THREAD_SELF).getFileName().toString());
            int target = Math.min(MAX_NICE, currentNice() + increment);
            if (LIBC.setpriority(PRIO_PROCESS, tid, target) != 0) {
                return "setpriority(" + tid + ", " + target + ") failed with errno " + Runtime.getRuntime(LIBC).getLastError();
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "could not find the thread's id or nice value in " + THREAD_SELF + ": " + e;
        }
    }

    /** The calling thread's nice value. */
    static int currentNice() throws IOException {
        return niceIn(THREAD_SELF.resolve("stat"));
    }

    /** The nice value in a task's {@code /proc/.../stat} file: its field 19. */
    static int niceIn(Path statFile) throws IOException {
        String stat = Files.readString(statFile);
        // Fields after the command name, which is in parentheses and may itself hold spaces or parentheses.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[19 - 3]);
    }
}
