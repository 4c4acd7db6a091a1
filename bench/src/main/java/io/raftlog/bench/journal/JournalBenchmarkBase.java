package io.raftlog.bench.journal;

import org.openjdk.jmh.annotations.Fork;

import io.raftlog.journal.ChronicleSettings;

/**
 * What the journal's component benchmarks share (JMH inherits the annotation): one fork with a 1 GiB heap and
 * the flags Chronicle Queue needs, since JMH forks with -cp and the jar manifest's Add-Opens/Add-Exports do not
 * reach the fork; and Chronicle's settings (no analytics, no disk monitor) applied before any queue is built.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public abstract class JournalBenchmarkBase {

    static {
        ChronicleSettings.apply();
    }
}
