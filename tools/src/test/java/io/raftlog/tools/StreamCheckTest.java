package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The stream check must catch each kind of broken stream (or the demo and ITs would prove nothing). */
class StreamCheckTest {

    private static void consume(StreamCheck check, long index, long tag) {
        UnsafeBuffer payload = new UnsafeBuffer(new byte[32]);
        ProduceCommand.generate(payload, tag);
        check.consumed(index, payload, 0, payload.capacity());
    }

    private static StreamCheck acked(int n) {
        StreamCheck check = new StreamCheck();
        for (int tag = 0; tag < n; tag++) {
            check.acknowledged(tag, 10 + tag);
        }
        return check;
    }

    @Test
    void aCompleteStreamPasses() {
        StreamCheck check = acked(3);
        for (int tag = 0; tag < 3; tag++) {
            consume(check, 10 + tag, tag);
        }
        assertThat(check.check().ok()).isTrue();
        assertThat(check.lastConsumedIndex()).isEqualTo(12);
    }

    @Test
    void aMissingEntryFails() {
        StreamCheck check = acked(3);
        consume(check, 10, 0);
        consume(check, 12, 2);
        StreamCheck.Result r = check.check();
        assertThat(r.ok()).isFalse();
        assertThat(r.missing()).isEqualTo(1);
    }

    @Test
    void aDuplicateFails() {
        StreamCheck check = acked(2);
        consume(check, 10, 0);
        consume(check, 11, 1);
        consume(check, 13, 1);
        assertThat(check.check().duplicates()).isEqualTo(1);
    }

    @Test
    void outOfOrderAndMisplacedEntriesFail() {
        StreamCheck check = acked(2);
        consume(check, 11, 1);
        consume(check, 10, 0);
        StreamCheck.Result r = check.check();
        assertThat(r.outOfOrder()).isEqualTo(1);
        assertThat(r.ok()).isFalse();
        StreamCheck other = acked(1);
        consume(other, 15, 0);
        assertThat(other.check().misplaced()).isEqualTo(1);
    }

    @Test
    void tagsRoundTripThroughGeneratedPayloads() {
        UnsafeBuffer payload = new UnsafeBuffer(new byte[128]);
        ProduceCommand.generate(payload, 123_456_789L);
        assertThat(ProduceCommand.tagOf(payload, 0, 128)).isEqualTo(123_456_789L);
        assertThat(Json.quote("a\"b\\c\n\u0001")).isEqualTo("\"a\\\"b\\\\c\\n\\u0001\"");
    }
}
