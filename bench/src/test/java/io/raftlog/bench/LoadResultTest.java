package io.raftlog.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LoadResultTest {

    /**
     * 1,000 latencies of 1..1000 µs: p50 = 500 µs, p99 = 990 µs, max = 1000 µs (within 0.1%); the hiccup meter
     * woke 10 µs late 998 times, then 2 ms and 7 ms late; the open loop's service time was 100 µs for 990
     * appends and 800 µs for 10.
     */
    private static LoadResult sample() {
        Histogram h = LoadGenerator.newHistogram();
        for (int us = 1; us <= 1000; us++) {
            h.recordValue(us * 1_000L);
        }
        Histogram hiccups = LoadGenerator.newHistogram();
        hiccups.recordValueWithCount(10_000, 998);
        hiccups.recordValue(2_000_000);
        hiccups.recordValue(7_000_000);
        Histogram service = LoadGenerator.newHistogram();
        service.recordValueWithCount(100_000, 990);
        service.recordValueWithCount(800_000, 10);
        LoadSpec spec = LoadSpec.of(Workload.W1k, true).withRate(250_000);
        return new LoadResult(AppendTarget.RAFTLOG, spec, "in-process 3 nodes, \"loopback\" TCP", 500_000, 2.0, 3, h, 1_500_000_000L,
            hiccups, service, null);
    }

    @Test
    void resultLineIsOneJsonObjectWithTheDesignFieldsInOrder() {
        String line = sample().resultLine();

        assertThat(line).startsWith("RESULT {").endsWith("}").doesNotContain("\n");
        List<String> keys = new ArrayList<>();
        Matcher m = Pattern.compile("\"([a-z0-9_]+)\":").matcher(line);
        while (m.find()) {
            keys.add(m.group(1));
        }
        assertThat(keys).startsWith("system", "workload", "durable", "payload", "window", "ops", "seconds",
            "ops_per_s", "mb_per_s", "p50_us", "p99_us", "p999_us", "max_us", "path");
        assertThat(line).contains("\"system\":\"raftlog\"", "\"workload\":\"W1k\"", "\"durable\":true",
            "\"payload\":1024", "\"window\":1024", "\"ops\":500000", "\"seconds\":2.000",
            "\"ops_per_s\":250000.0", "\"mb_per_s\":256.000", "\"errors\":3", "\"rate\":250000",
            "\"path\":\"in-process 3 nodes, \\\"loopback\\\" TCP\"", "\"cpu_us_per_op\":3.00");
        assertThat(keys).last().isEqualTo("generator");
        assertThat(line).contains("\"generator\":\"" + GeneratorBuild.ID + "\"");
        assertThat(GeneratorBuild.ID).as("a checksum of the measuring classes, found on the class path").matches("[0-9a-f]{8}");
        assertThat(number(line, "p50_us")).isCloseTo(500, org.assertj.core.data.Offset.offset(1.0));
        assertThat(number(line, "p99_us")).isCloseTo(990, org.assertj.core.data.Offset.offset(1.0));
        assertThat(number(line, "max_us")).isCloseTo(1000, org.assertj.core.data.Offset.offset(1.0));
        assertThat(number(line, "hiccup_p99_us")).isCloseTo(10, org.assertj.core.data.Offset.offset(0.1));
        assertThat(number(line, "hiccup_p999_us")).isCloseTo(2_000, org.assertj.core.data.Offset.offset(2.0));
        assertThat(number(line, "hiccup_max_us")).isCloseTo(7_000, org.assertj.core.data.Offset.offset(7.0));
        assertThat(number(line, "service_p50_us")).isCloseTo(100, org.assertj.core.data.Offset.offset(0.1));
        assertThat(number(line, "service_p99_us")).isCloseTo(100, org.assertj.core.data.Offset.offset(0.1));
        assertThat(number(line, "service_p999_us")).isCloseTo(800, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void hgrmIsHdrHistogramsPercentileDistributionInMicroseconds() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        sample().writeHgrm(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);

        assertThat(text).contains("Value     Percentile TotalCount 1/(1-Percentile)", "#[Max     =     1000.");
    }

    @Test
    void summaryNamesTheWorkloadThroughputAndPercentiles() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        sample().printSummary(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);

        assertThat(text).contains("W1k: 1024 B payloads", "durable", "250,000 appends/s", "256.0 MB/s", "p99.9", "3 failed",
            "3.00 us of this process's CPU time per committed append", "hiccups us", "the machine's stalls",
            "service us", "from the actual send");
    }

    @Test
    void figuresThatWereNotMeasuredAreLeftOutRatherThanPrintedAsNumbers() {
        LoadResult s = sample();
        LoadResult unknown = new LoadResult(s.system(), s.spec(), s.path(), s.ops(), s.seconds(), s.errors(), s.latencyNanos(), -1,
            null, null, null);
        assertThat(unknown.cpuMicrosPerOp()).isEqualTo(-1);
        assertThat(unknown.hiccupMicros(99)).isEqualTo(-1);
        assertThat(unknown.serviceMicros(50)).isEqualTo(-1);
        assertThat(unknown.resultLine()).doesNotContain("cpu", "hiccup", "service");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        unknown.printSummary(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("cpu", "hiccup", "service");
    }

    @Test
    void diskFiguresAreReportedPerSecondAndPerCommittedAppend() {
        LoadResult s = sample();
        // 2 s, 500,000 appends: 550 MB written is 275 MB/s and 1,100 B per append; 3,000 flushes are 1,500 a second.
        LoadResult withDisk = new LoadResult(s.system(), s.spec(), s.path(), s.ops(), s.seconds(), s.errors(), s.latencyNanos(),
            s.cpuNanos(), null, null, new DiskActivity("vda", 550_000_000L, 14_000, 3_000, 2.0));

        assertThat(withDisk.resultLine()).contains("\"disk_mb_per_s\":275.0", "\"disk_flushes_per_s\":1500.0",
            "\"disk_bytes_per_op\":1100.0");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        withDisk.printSummary(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8))
            .contains("vda wrote 275.0 MB/s in 7,000 writes/s and 1,500 flushes/s, 1,100 B per committed append");
        assertThat(s.resultLine()).doesNotContain("disk");
    }

    private static double number(String line, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([0-9.]+)").matcher(line);
        assertThat(m.find()).as("field %s in %s", key, line).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
