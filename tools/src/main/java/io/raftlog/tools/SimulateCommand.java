package io.raftlog.tools;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.raftlog.sim.SimOptions;
import io.raftlog.sim.SimResult;
import io.raftlog.sim.Sweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code raftlog simulate}: runs the deterministic simulator over a range of seeds and prints one summary
 * line; any violation also prints its seed, how to replay it and the events before it, and exits 1.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Run the Raft core in a deterministic simulation (loss, duplication, reordering, partitions,"
        + " crashes that lose all or part of the unflushed writes) and check its safety and liveness invariants after every step.")
public final class SimulateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--seeds", required = true, paramLabel = "N", description = "how many seeds to run")
    int seeds;

    @Option(names = "--seed-start", defaultValue = "0", paramLabel = "S", description = "first seed (default: ${DEFAULT-VALUE})")
    long seedStart;

    @Option(names = "--nodes", defaultValue = "3", paramLabel = "N", description = "cluster size, 1, 3 or 5 (default: ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--steps", defaultValue = "" + SimOptions.DEFAULT_STEPS, paramLabel = "K",
        description = "steps with faults per seed, before the liveness check (default: ${DEFAULT-VALUE})")
    int steps;

    @Override
    public Integer call() {
        if (seeds < 1) {
            throw new IllegalArgumentException("--seeds must be >= 1, got " + seeds);
        }
        if (nodes != 1 && nodes != 3 && nodes != 5) {
            throw new IllegalArgumentException("--nodes must be 1, 3 or 5, got " + nodes);
        }
        if (steps < 0) {
            throw new IllegalArgumentException("--steps must be >= 0, got " + steps);
        }
        Sweep.Summary summary = Sweep.run(seedStart, seeds, SimOptions.of(nodes, steps));
        PrintWriter out = spec.commandLine().getOut();
        out.println(summary.line());
        for (SimResult violation : summary.violations()) {
            out.print(violation.report());
        }
        out.flush();
        return summary.violations().isEmpty() ? Cli.OK : Cli.FAILURE;
    }
}
