package io.raftlog.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chronicle's usage analytics write a client-id file {@code ~/.chronicle.analytics.*} into the home directory
 * (and phone home). A child JVM whose home is a fresh directory, started WITHOUT any -Dchronicle.* flag (so
 * only {@link ChronicleSettings} can turn them off), uses a journal; afterwards the home directory must hold
 * no Chronicle file, and the child's console no Chronicle log line.
 */
class ChronicleSettingsTest {

    @TempDir
    Path tmp;

    @Test
    void aRunLeavesNoAnalyticsFileInTheHomeDirectoryAndLogsNothingAtStartUp() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path stderr = tmp.resolve("child.err");
        List<String> out;
        try (ChildJvm child = ChildJvm.start(AnalyticsProbeChild.class, stderr,
            flag -> !flag.startsWith("-Dchronicle.") && !flag.startsWith("-Duser.home") && !flag.startsWith("-Dorg.slf4j"),
            List.of("-Duser.home=" + home), tmp.resolve("journal").toString())) {
            out = child.awaitExit(60_000);
        }
        assertThat(out).as("child stderr: %s", ChildJvm.readQuietly(stderr)).contains("DONE");
        try (Stream<Path> files = Files.walk(home)) { // (JNA leaves ~/.cache/JNA/temp: not Chronicle's)
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.toLowerCase().contains("chronicle"));
        }
        assertThat(ChildJvm.readQuietly(stderr).lines()).as("console of a journal start-up").noneMatch(l -> l.contains("net.openhft"));
    }
}
