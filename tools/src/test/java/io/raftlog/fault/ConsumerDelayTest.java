package io.raftlog.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ConsumerDelayTest {
    private static final long MS = 1_000_000L;

    private static void ack(History h, long atMs, long index) {
        h.invoke(1, "k" + index, 0, (atMs - 5) * MS).ok(atMs * MS, index);
    }

    /**
     * A kill from 1000 to 2000 ms and a partition from 3000 to 4000 ms; two consumers. Delays in ms, per ack:
     * index 1 (none): 10, 30; index 2 (kill): 0 (seen 10 ms before the ack), 300; index 3 (kill): 100, never
     * to consumer 2; index 4 (partition): 1000, 100; index 6 (none): 2, 50. Index 5 was never acknowledged.
     */
    private static History history() {
        History h = new History();
        h.inject(new History.Injection(1000 * MS, 2000 * MS, "kill", "kill -9 node 1"));
        h.inject(new History.Injection(3000 * MS, 4000 * MS, "partition", "node 1 | node 2, node 3"));
        ack(h, 500, 1);
        ack(h, 1100, 2);
        ack(h, 1200, 3);
        ack(h, 3500, 4);
        h.invoke(1, "k5", 0, 3600 * MS).failed(4600 * MS, "timed out");
        ack(h, 5000, 6);
        long[][] seen1 = {{1, 510}, {2, 1090}, {3, 1300}, {4, 4500}, {5, 4510}, {6, 5002}};
        long[][] seen2 = {{1, 530}, {2, 1400}, {4, 3600}, {5, 3610}, {6, 5050}};
        for (long[] s : seen1) {
            h.seen(1, s[1] * MS, s[0], "k" + s[0]);
        }
        for (long[] s : seen2) {
            h.seen(2, s[1] * MS, s[0], "k" + s[0]);
        }
        h.skipped(2, 1250 * MS, 3, 3);
        return h;
    }

    /** Figures given in ms; the last count is what did not give a latency (also used by AppendLatencyTest). */
    static LatencyFigures ms(String kind, int count, long p50, long p99, long max, int notDelivered) {
        return new LatencyFigures(kind, count, p50 * MS, p99 * MS, max * MS, notDelivered);
    }

    @Test
    void delaysGoToTheNemesisActiveAtTheAck() {
        ConsumerDelay d = new ConsumerDelay(history());

        assertThat(d.byKind()).containsOnlyKeys("all", "kill", "none", "partition");
        // kill: 0 (clamped), 300, 100; consumer 2 never got index 3.
        assertThat(d.byKind().get("kill")).isEqualTo(ms("kill", 3, 100, 300, 300, 1));
        // none: 2, 10, 30, 50.
        assertThat(d.byKind().get("none")).isEqualTo(ms("none", 4, 10, 50, 50, 0));
        // partition: 100, 1000 (consumer 1 was the one cut off).
        assertThat(d.byKind().get("partition")).isEqualTo(ms("partition", 2, 100, 1000, 1000, 0));
        // all: 0, 2, 10, 30, 50, 100, 100, 300, 1000.
        assertThat(d.byKind().get("all")).isEqualTo(ms("all", 9, 50, 1000, 1000, 1));
    }

    @Test
    void perConsumerFiguresLeaveOutWhatItNeverGot() {
        ConsumerDelay d = new ConsumerDelay(history());

        // Consumer 1: 0, 2, 10, 100, 1000. Consumer 2: 30, 50, 100, 300, and index 3 not delivered.
        assertThat(d.byConsumer().values()).containsExactly(
            ms("consumer 1", 5, 10, 1000, 1000, 0),
            ms("consumer 2", 4, 50, 300, 300, 1));
    }

    @Test
    void aConsumerThatGotNothingCountsEveryAckAsNotDelivered() {
        History h = history();
        h.consumer(3);
        ConsumerDelay d = new ConsumerDelay(h);

        assertThat(d.byConsumer().get(3)).isEqualTo(ms("consumer 3", 0, 0, 0, 0, 5));
        assertThat(d.byKind().get("kill").missing()).isEqualTo(1 + 2);
        assertThat(d.byKind().get("all").missing()).isEqualTo(1 + 5);
        assertThat(d.byKind().get("all").count()).isEqualTo(9);
    }

    @Test
    void anEntryHandedOverBeforeItsAckCountsAsNoDelay() {
        // In the history above the one negative delay is never a percentile; here it is every figure.
        History h = new History();
        ack(h, 1000, 1);
        h.seen(1, 990 * MS, 1, "k1");
        assertThat(new ConsumerDelay(h).byKind().get("all")).isEqualTo(ms("all", 1, 0, 0, 0, 0));
    }

    @Test
    void percentilesAreNearestRank() {
        long[] hundred = LongStream.rangeClosed(1, 100).toArray();
        assertThat(LatencyFigures.percentile(hundred, 50)).isEqualTo(50);
        assertThat(LatencyFigures.percentile(hundred, 99)).isEqualTo(99);
        long[] two = {7, 9};
        assertThat(LatencyFigures.percentile(two, 50)).isEqualTo(7);
        assertThat(LatencyFigures.percentile(two, 99)).isEqualTo(9);
        assertThat(LatencyFigures.percentile(new long[] {4}, 99)).isEqualTo(4);
    }

    @Test
    void theReportShowsTheSection() {
        History h = history();
        h.consumer(3);
        String report = Report.render(h, List.of(), new Availability(h, 3, 0, 6000 * MS), 0, 6000 * MS, Path.of("history.txt"));

        assertThat(report).contains("Consumer delay after an acknowledgement (per nemesis active at the ack;"
            + " how long until each consumer was handed the entry):\n"
            + "  all                    9 delays  p50     50.0 ms  p99   1000.0 ms  max   1000.0 ms  6 not delivered\n"
            + "  kill                   3 delays  p50    100.0 ms  p99    300.0 ms  max    300.0 ms  3 not delivered\n"
            + "  none                   4 delays  p50     10.0 ms  p99     50.0 ms  max     50.0 ms  2 not delivered\n"
            + "  partition              2 delays  p50    100.0 ms  p99   1000.0 ms  max   1000.0 ms  1 not delivered\n"
            + "  consumer 1             5 delays  p50     10.0 ms  p99   1000.0 ms  max   1000.0 ms  0 not delivered\n"
            + "  consumer 2             4 delays  p50     50.0 ms  p99    300.0 ms  max    300.0 ms  1 not delivered\n"
            + "  consumer 3             0 delays                                                     5 not delivered\n");
    }
}
