package io.raftlog.tools;

import java.util.concurrent.Callable;

import io.raftlog.bench.CpuFloor;
import io.raftlog.bench.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code raftlog bench cpu}: how much of its cores the machine gives right now, to judge a benchmark run against. */
@Command(name = "cpu", mixinStandardHelpOptions = true,
    description = "Measure how much CPU this machine gives: one thread per core spins reading the clock, and every gap"
        + " between two readings is time it did not run (on a shared host: time the hypervisor gave to others)."
        + " Run it before or after 'raftlog bench', never during (it takes every core).")
public final class BenchCpuCommand implements Callable<Integer> {

    @Option(names = "--threads", paramLabel = "N", description = "spinning threads (default: the cores this JVM sees)")
    Integer threads;

    @Option(names = "--duration", defaultValue = "3s", paramLabel = "TIME", description = "how long they spin (default: ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--json", description = "also print one line RESULT {json}")
    boolean json;

    @Override
    public Integer call() throws Exception {
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        CpuFloor.Result result = new CpuFloor(n, Durations.parse(duration)).run();
        System.out.println(result.summary());
        if (json) {
            System.out.println(result.resultLine());
        }
        return Cli.OK;
    }
}
