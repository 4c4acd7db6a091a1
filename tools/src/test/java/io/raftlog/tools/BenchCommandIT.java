package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code raftlog bench} from the built jar, as a user runs it: short W2 and W1 runs on the in-process
 * cluster print a RESULT line without errors and write .hgrm files that {@code bench plot} charts.
 * No speed is asserted (that is what the benchmarks are for). About 15 s.
 */
class BenchCommandIT {

    @TempDir
    Path dir;

    @Test
    void shortRunsPrintResultLinesAndTheirHistogramsPlot() throws Exception {
        Path w2 = dir.resolve("w2-durable.hgrm");
        Path w1 = dir.resolve("w1-not-durable.hgrm");

        Run a = raftlog("bench", "--workload", "W2", "--durable", "true", "--warmup", "0s", "--duration", "1s",
            "--runs", "2", "--json", "--hgrm", w2.toString());
        Run b = raftlog("bench", "--workload", "W1", "--durable", "false", "--warmup", "0s", "--duration", "1s",
            "--json", "--hgrm", w1.toString());

        for (Run r : List.of(a, b)) {
            assertThat(r.exit).as("exit status; output:%n%s", r.out).isZero();
            assertThat(r.out).contains("committed/s", "latency us");
        }
        assertThat(result(a)).contains("\"workload\":\"W2\"", "\"durable\":true", "\"window\":1", "\"errors\":0");
        assertThat(result(b)).contains("\"workload\":\"W1\"", "\"durable\":false", "\"window\":1024", "\"errors\":0");
        assertThat(ops(result(a))).isPositive();
        assertThat(a.out.lines().filter(l -> l.startsWith("RESULT {"))).as("a RESULT line per run").hasSize(2);
        assertThat(a.out).contains("series      2 runs");
        assertThat(a.out.lines().filter(l -> l.startsWith("MEDIAN {")).findFirst()).get().asString()
            .contains("\"runs\":2", "\"errors\":0");
        assertThat(ops(result(b))).isPositive();

        Path png = dir.resolve("chart.png");
        Run plot = raftlog("bench", "plot", w2.toString(), w1.toString(), "--out", png.toString());
        assertThat(plot.exit).as(plot.out).isZero();
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(1000);
    }

    @Test
    void anUnknownWorkloadIsAUsageErrorNamingIt() throws Exception {
        Run r = raftlog("bench", "--workload", "W9");

        assertThat(r.exit).isEqualTo(Cli.USAGE);
        assertThat(r.err.strip()).startsWith("raftlog bench: ").contains("'W9'").doesNotContain("Exception");
        Run none = raftlog("bench", "--runs", "0");
        assertThat(none.exit).isNotZero();
        assertThat(none.err.strip()).isEqualTo("raftlog bench: --runs must be at least 1, not 0");
    }

    private static String result(Run r) {
        return r.out.lines().filter(l -> l.startsWith("RESULT {")).findFirst()
            .orElseThrow(() -> new AssertionError("no RESULT line in:\n" + r.out));
    }

    private static long ops(String resultLine) {
        Matcher m = Pattern.compile("\"ops\":(\\d+)").matcher(resultLine);
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }

    private record Run(int exit, String out, String err) {
    }

    private Run raftlog(String... args) throws IOException, InterruptedException {
        String jar = System.getProperty("raftlog.jar");
        assertThat(jar).as("system property raftlog.jar (set by failsafe)").isNotNull();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar", jar));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("raftlog " + String.join(" ", args) + " did not finish in 120 s; output:\n"
                + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
