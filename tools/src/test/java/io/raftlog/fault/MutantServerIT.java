package io.raftlog.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Can the fault suite fail a server that breaks its promise? Its checkers are tested on made-up histories
 * ({@link CheckerTest}); this runs the whole suite, real processes and a real fault, against a server with one
 * deliberate bug, and requires the check that guards that promise to fail, and the same run against the real
 * server to pass.
 *
 * <p>The bug: a leader acknowledges what it has written, at the end of each batch, instead of what a majority
 * has (one added line in {@code RaftDriver}). Unseen while nothing fails; when the leader is cut off from its
 * followers, it goes on acknowledging the appends its clients still send it until CheckQuorum makes it step
 * down, and the majority's new leader overwrites them at the heal.
 */
class MutantServerIT {
    private static final long SEED = 11;
    private static final Duration DURATION = Duration.ofSeconds(10);
    private static final Path RAFT_DRIVER = Path.of("..", "log-core", "src", "main", "java", "io", "raftlog", "pipeline", "RaftDriver.java");
    private static final String COMMIT_SITE = """
                    requestFlush();
                } catch (RuntimeException | Error ex) {
                    halt("end of batch", ex);
        """;
    private static final String ACK_WHAT_IS_WRITTEN = """
                    requestFlush();
                    pending.ackUpTo(journal.lastIndex(), responder); // the mutant: acknowledged before it commits
                } catch (RuntimeException | Error ex) {
                    halt("end of batch", ex);
        """;

    /**
     * Also with retention on (one-second journal files, 3 s retention), where the overwritten entries may be gone
     * from every node by the end and only the consumers' copies and the acknowledgements are left to tell.
     */
    @ParameterizedTest(name = "retention {0}")
    @ValueSource(strings = {"off", "3s"})
    void aLeaderThatAcknowledgesBeforeCommitFailsTheAcknowledgedAppendsCheckAndTheRealServerPasses(String retention) throws Exception {
        String retain = "off".equals(retention) ? null : retention;
        Path jar = Path.of(System.getProperty("raftlog.jar", "target/raftlog.jar"));
        FaultSuiteIT.requireServer(jar);
        Path base = Path.of(System.getProperty("fault.dir", "target/fault-runs")).toAbsolutePath()
            .resolve("mutant-" + System.currentTimeMillis() + (retain == null ? "" : "-retention"));
        Path classes = Mutant.compile(RAFT_DRIVER, COMMIT_SITE, ACK_WHAT_IS_WRITTEN, jar, Files.createDirectories(base.resolve("ack-before-commit")));

        FaultRun.Result mutant = FaultRun.run(config(new ServerLaunch(jar, classes), base.resolve("run-mutant"), retain));
        System.out.println(mutant.report());
        assertThat(failedChecks(mutant)).as("checks failed against the mutant; report " + mutant.reportFile()).contains("acked-present");

        FaultRun.Result real = FaultRun.run(config(ServerLaunch.of(jar), base.resolve("run-real"), retain));
        System.out.println(real.report());
        assertThat(failedChecks(real)).as("checks failed against the real server, same seed; report " + real.reportFile()).isEmpty();
    }

    private static FaultRun.Config config(ServerLaunch server, Path dir, String retention) {
        Workload.Settings workload = new Workload.Settings(4, 1, 8, 50, 256, Duration.ofSeconds(10));
        return new FaultRun.Config(SEED, DURATION, 3, server, dir, "batch", workload, List.of(Nemesis.ISOLATE_LEADER), retention);
    }

    private static List<String> failedChecks(FaultRun.Result r) {
        return r.verdicts().stream().filter(v -> !v.passed()).map(Checker.Verdict::check).toList();
    }
}
