package io.raftlog.fault;

import static io.raftlog.fault.ConsumerDelayTest.ms;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppendLatencyTest {
    private static final long MS = 1_000_000L;

    private static History.Op invoke(History h, long atMs) {
        return h.invoke(1, "k" + atMs, 0, atMs * MS);
    }

    private static void ok(History h, long invokeMs, long ackMs) {
        invoke(h, invokeMs).ok(ackMs * MS, h.ops().size());
    }

    /**
     * A kill from 1000 to 2000 ms, a partition from 3000 to 4000 ms, a pause from 6000 to 7000 ms. Appends as
     * invoke -> ack (latency) in ms: none: 100 -> 120 (20), 500 -> 540 (40), 2900 -> 3100 (200, acked during the
     * partition), 5000 -> 5010 (10); kill: 1100 -> 1150 (50), 1900 -> 2400 (500, acked after the heal), 1500
     * failed at 2500; partition: 3200 -> 3230 (30), 3500 never completed; pause: 6500 failed at 7500.
     */
    private static History history() {
        History h = new History();
        h.inject(new History.Injection(1000 * MS, 2000 * MS, "kill", "kill -9 node 1"));
        h.inject(new History.Injection(3000 * MS, 4000 * MS, "partition", "node 1 | node 2, node 3"));
        h.inject(new History.Injection(6000 * MS, 7000 * MS, "pause", "SIGSTOP node 2"));
        ok(h, 100, 120);
        ok(h, 500, 540);
        ok(h, 1100, 1150);
        invoke(h, 1500).failed(2500 * MS, "timed out");
        ok(h, 1900, 2400);
        ok(h, 2900, 3100);
        ok(h, 3200, 3230);
        invoke(h, 3500);
        ok(h, 5000, 5010);
        invoke(h, 6500).failed(7500 * MS, "timed out");
        return h;
    }

    @Test
    void latenciesGoToTheNemesisActiveAtTheInvoke() {
        AppendLatency a = new AppendLatency(history());

        assertThat(a.byKind().values()).containsExactly(
            // 10, 20, 30, 40, 50, 200, 500; three not ok.
            ms("all", 7, 40, 500, 500, 3),
            // 50, 500; the one that failed.
            ms("kill", 2, 50, 500, 500, 1),
            // 10, 20, 40, 200.
            ms("none", 4, 20, 200, 200, 0),
            // 30; the one still outstanding.
            ms("partition", 1, 30, 30, 30, 1),
            // The pause held up one append, which never ended OK: no latency at all.
            ms("pause", 0, 0, 0, 0, 1));
    }

    @Test
    void anAppendCountsForTheFaultItWasInvokedIn() {
        History h = new History();
        h.inject(new History.Injection(1000 * MS, 2000 * MS, "kill", "kill -9 node 1"));
        ok(h, 1900, 2400); // invoked during the kill, acked after the heal
        ok(h, 900, 1300);  // invoked before the kill, acked during it
        AppendLatency a = new AppendLatency(h);

        assertThat(a.byKind().get("kill")).isEqualTo(ms("kill", 1, 500, 500, 500, 0));
        assertThat(a.byKind().get("none")).isEqualTo(ms("none", 1, 400, 400, 400, 0));
    }

    @Test
    void anAppendThatDidNotEndOkHasNoLatency() {
        History h = new History();
        invoke(h, 100).failed(5100 * MS, "timed out");
        invoke(h, 200); // still outstanding at the end: no completion time at all
        ok(h, 300, 303);
        AppendLatency a = new AppendLatency(h);

        assertThat(a.byKind()).containsOnlyKeys("all", "none");
        assertThat(a.byKind().get("all")).isEqualTo(ms("all", 1, 3, 3, 3, 2));
    }

    @Test
    void theReportShowsTheSectionAfterTheConsumerDelay() {
        History h = history();
        String report = Report.render(h, List.of(), new Availability(h, 3, 0, 8000 * MS), 0, 8000 * MS, Path.of("history.txt"));

        assertThat(report).contains("\nAppend latency, invoke to acknowledgement (per nemesis active at the invoke;"
            + " not ok: failed or unknown):\n"
            + "  all                    7 ok      p50     40.0 ms  p99    500.0 ms  max    500.0 ms  3 not ok\n"
            + "  kill                   2 ok      p50     50.0 ms  p99    500.0 ms  max    500.0 ms  1 not ok\n"
            + "  none                   4 ok      p50     20.0 ms  p99    200.0 ms  max    200.0 ms  0 not ok\n"
            + "  partition              1 ok      p50     30.0 ms  p99     30.0 ms  max     30.0 ms  1 not ok\n"
            + "  pause                  0 ok                                                         1 not ok\n"
            + "\nAppends: 10 invoked, 7 ok, 3 unknown");
        // Right after the consumer-delay section: nothing but its rows between the two titles.
        int consumerDelay = report.indexOf("\nConsumer delay after an acknowledgement");
        int appendLatency = report.indexOf("\nAppend latency");
        assertThat(consumerDelay).isNotNegative();
        assertThat(report.substring(consumerDelay + 1, appendLatency)).doesNotContain("\n\n");
    }
}
