package io.raftlog.net.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.raftlog.pipeline.DataEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/PROTOCOL.md lists the same numbers as the code: frame types, fixed lengths, error codes, roles. */
class ProtocolDocTest {
    private static List<String> lines;

    @BeforeAll
    static void readDoc() throws IOException {
        Path doc = Path.of("..", "docs", "PROTOCOL.md"); // surefire runs in the module directory
        lines = Files.readAllLines(doc);
    }

    @Test
    void frameTypeTableMatchesTheCode() {
        Pattern row = Pattern.compile("^\\| 0x([0-9A-Fa-f]{2}) \\| ([A-Z_]+) \\| (\\d+) \\|.*");
        Map<Integer, String> documented = new HashMap<>();
        for (String line : lines) {
            Matcher m = row.matcher(line);
            if (m.matches()) {
                int type = Integer.parseInt(m.group(1), 16);
                documented.put(type, m.group(2));
                assertThat(FrameType.name(type)).as("name of type 0x%02x", type).isEqualTo(m.group(2));
                assertThat(FrameType.fixedLength(type)).as("fixed length of %s", m.group(2)).isEqualTo(Integer.parseInt(m.group(3)));
            }
        }
        for (int type = 0; type < 256; type++) {
            if (FrameType.isKnown(type)) {
                assertThat(documented).as("PROTOCOL.md lists %s", FrameType.name(type)).containsKey(type);
            }
        }
    }

    @Test
    void errorCodeTableMatchesTheCode() {
        Pattern row = Pattern.compile("^\\| (\\d+) \\| ([A-Z_]+) \\|.*");
        int rows = 0;
        for (String line : lines) {
            Matcher m = row.matcher(line);
            if (m.matches()) {
                rows++;
                assertThat(ErrorCode.name(Integer.parseInt(m.group(1)))).isEqualTo(m.group(2));
            }
        }
        int known = 0;
        for (int code = 0; code < 1000; code++) {
            known += ErrorCode.isKnown(code) ? 1 : 0;
        }
        assertThat(rows).isEqualTo(known);
    }

    @Test
    void rolesHeaderAndLimitsMatchTheCode() {
        Pattern role = Pattern.compile("^\\| ([A-Z]+) \\| (\\d+) \\|.*");
        int roles = 0;
        for (String line : lines) {
            Matcher m = role.matcher(line);
            if (m.matches()) {
                roles++;
                assertThat(Roles.name(Integer.parseInt(m.group(2)))).isEqualTo(m.group(1));
            }
        }
        assertThat(roles).isEqualTo(2);
        String doc = String.join("\n", lines);
        assertThat(doc).contains("# raftlog wire protocol (version " + Protocol.VERSION + ")");
        assertThat(doc).contains("default\n4 MiB = " + Protocol.DEFAULT_MAX_FRAME_LENGTH);
        assertThat(doc).contains("below the header\nsize (" + Protocol.HEADER_LENGTH + ")");
        assertThat(doc).contains("| " + Protocol.LENGTH_OFFSET + " | 4 | length |");
        assertThat(doc).contains("| " + Protocol.VERSION_OFFSET + " | 1 | version |");
        assertThat(doc).contains("| " + Protocol.TYPE_OFFSET + " | 1 | type |");
        assertThat(doc).contains("| " + Protocol.FLAGS_OFFSET + " | 2 | flags |");
        assertThat(doc).contains("`[clientId int64][sequence int64][user bytes]`");
        assertThat(DataEntry.HEADER_LENGTH).isEqualTo(16);
        assertThat(AppendEntriesEncoder.ENTRY_HEADER_LENGTH).isEqualTo(13);
        assertThat(doc).contains("(13 bytes + payload)");
        assertThat(EntriesEncoder.ENTRY_HEADER_LENGTH).isEqualTo(12);
        assertThat(doc).contains("(12 bytes + payload)");
        assertThat(doc).contains("(16 bytes; only on the leader");
        assertThat(StatusFrame.PEER_LENGTH).isEqualTo(16);
    }
}
