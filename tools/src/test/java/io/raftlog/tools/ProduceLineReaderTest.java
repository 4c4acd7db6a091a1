package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ProduceLineReaderTest {

    private static List<String> lines(String input) throws IOException {
        ProduceCommand.LineReader r = new ProduceCommand.LineReader(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        List<String> out = new ArrayList<>();
        byte[] line;
        while ((line = r.next()) != null) {
            out.add(new String(line, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void splitsOnNewlinesDropsCarriageReturnsAndKeepsALastUnterminatedLine() throws IOException {
        assertThat(lines("a\nbb\r\n\nlast")).containsExactly("a", "bb", "", "last");
        assertThat(lines("")).isEmpty();
        assertThat(lines("one\n")).containsExactly("one");
    }

    @Test
    void linesLongerThanTheBufferSurvive() throws IOException {
        String longLine = "x".repeat(200_000);
        assertThat(lines("a\n" + longLine + "\r\nb")).containsExactly("a", longLine, "b");
    }
}
