package io.raftlog.fault;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fault suite that cannot start its servers fails; it does not skip (which would pass a broken build). */
class FaultSuiteSetupTest {

    private static void assertSuiteFailsWith(Path jar) {
        Assumptions.assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "the suite itself skips off Linux");
        String before = System.getProperty("raftlog.jar");
        System.setProperty("raftlog.jar", jar.toString());
        try {
            // An AssertionError fails the run; an assumption's TestAbortedException would only skip it.
            assertThatThrownBy(() -> new FaultSuiteIT().faultRuns()).isInstanceOf(AssertionError.class).hasMessageContaining(jar.toString());
        } finally {
            if (before == null) {
                System.clearProperty("raftlog.jar");
            } else {
                System.setProperty("raftlog.jar", before);
            }
        }
    }

    @Test
    void aMissingJarFails(@TempDir Path dir) {
        assertSuiteFailsWith(dir.resolve("raftlog.jar"));
    }

    @Test
    void aJarThatDoesNotStartFails(@TempDir Path dir) throws Exception {
        Path notAJar = Files.writeString(dir.resolve("raftlog.jar"), "not a jar");
        assertSuiteFailsWith(notAJar);
    }
}
