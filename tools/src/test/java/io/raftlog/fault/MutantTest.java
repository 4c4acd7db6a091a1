package io.raftlog.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MutantTest {
    private static final String SOURCE = """
        package mutant.sample;
        public class Answer implements java.util.function.IntSupplier {
            public int getAsInt() {
                return 42;
            }
        }
        """;

    @TempDir
    Path dir;

    @Test
    void theMutatedSourceIsCompiledAndItsClassReplacesTheOriginal() throws Exception {
        Path source = write(SOURCE);
        Path classes = Mutant.compile(source, "return 42;", "return 41;", Path.of(System.getProperty("java.home")), dir.resolve("out"));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            IntSupplier answer = (IntSupplier) loader.loadClass("mutant.sample.Answer").getDeclaredConstructor().newInstance();
            assertThat(answer.getAsInt()).isEqualTo(41);
        }
    }

    @Test
    void aSiteThatIsGoneOrAmbiguousIsRefusedNamingTheFile() throws IOException {
        Path source = write(SOURCE);
        assertThatThrownBy(() -> Mutant.compile(source, "return 7;", "return 8;", dir, dir.resolve("a")))
            .hasMessageContaining(source.toString()).hasMessageContaining("does not occur");
        assertThatThrownBy(() -> Mutant.compile(source, "public", "private", dir, dir.resolve("b")))
            .hasMessageContaining("occurs more than once");
    }

    @Test
    void aMutantThatDoesNotCompileSaysWhy() throws IOException {
        Path source = write(SOURCE);
        assertThatThrownBy(() -> Mutant.compile(source, "return 42;", "return \"x\";", dir, dir.resolve("c")))
            .hasMessageContaining("does not compile").hasMessageContaining("incompatible types");
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("Answer.java");
        Files.writeString(file, text);
        return file;
    }
}
