package io.raftlog.fault;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * A server with one deliberate bug, made the way mutation testing makes one: one source file of the project,
 * one piece of its text replaced, compiled against the raftlog jar into a directory whose classes then replace
 * the jar's ({@link ServerLaunch}). Nothing of it is in the shipped code.
 */
final class Mutant {

    private Mutant() {
    }

    /**
     * @param source   a main source file of the project
     * @param original text that occurs exactly once in it
     * @param mutated  what replaces it
     * @return the directory holding the mutated classes
     */
    static Path compile(Path source, String original, String mutated, Path jar, Path outDir) throws IOException {
        String text = Files.readString(source);
        int at = text.indexOf(original);
        if (at < 0 || text.indexOf(original, at + 1) >= 0) {
            throw new IllegalStateException("the mutation site must occur exactly once in " + source + " but "
                + (at < 0 ? "does not occur" : "occurs more than once") + "; the source changed, so update the mutant: "
                + original.strip());
        }
        String mutatedText = text.substring(0, at) + mutated + text.substring(at + original.length());
        Path srcDir = Files.createDirectories(outDir.resolve("src"));
        Path classes = Files.createDirectories(outDir.resolve("classes"));
        Path file = srcDir.resolve(source.getFileName());
        Files.writeString(file, mutatedText);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler in " + System.getProperty("java.home") + " (a JRE, not a JDK)");
        }
        StringWriter diagnostics = new StringWriter();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjects(file);
            boolean ok = javac.getTask(diagnostics, files, null,
                List.of("--release", "17", "-classpath", jar.toString(), "-d", classes.toString(), "-nowarn"), null, units).call();
            if (!ok) {
                throw new IllegalStateException("the mutant of " + source + " does not compile:\n" + diagnostics);
            }
        }
        return classes;
    }
}
