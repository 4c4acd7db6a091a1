package io.raftlog.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

/**
 * How the suite starts {@code raftlog}: the jar as it is, or the jar with a directory of classes in front of it,
 * whose classes then replace the jar's classes of the same names (a mutant server, {@link Mutant}).
 *
 * @param jar     the raftlog jar
 * @param shadows classes that replace the jar's own, or null
 */
record ServerLaunch(Path jar, Path shadows) {

    static ServerLaunch of(Path jar) {
        return new ServerLaunch(jar, null);
    }

    /** The java arguments, after the JVM flags, that run the raftlog command line. */
    List<String> javaArgs() {
        if (shadows == null) {
            return List.of("-jar", jar.toString());
        }
        // With -cp the manifest is not read for its Add-Opens and Add-Exports (Chronicle Queue needs them on
        // Java 17), so they are given as flags, and its Main-Class is named.
        try (JarFile file = new JarFile(jar.toFile())) {
            Attributes manifest = file.getManifest().getMainAttributes();
            List<String> args = new ArrayList<>();
            addModuleFlags(args, "--add-opens", manifest.getValue("Add-Opens"));
            addModuleFlags(args, "--add-exports", manifest.getValue("Add-Exports"));
            String main = manifest.getValue(Attributes.Name.MAIN_CLASS);
            if (main == null) {
                throw new IllegalStateException(jar + " names no Main-Class in its manifest");
            }
            args.addAll(List.of("-cp", shadows + java.io.File.pathSeparator + jar, main));
            return args;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest of " + jar, e);
        }
    }

    private static void addModuleFlags(List<String> args, String flag, String packages) {
        if (packages == null) {
            return;
        }
        for (String p : packages.trim().split("\\s+")) {
            args.add(flag);
            args.add(p + "=ALL-UNNAMED");
        }
    }
}
