package io.raftlog.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerLaunchTest {
    @TempDir
    Path dir;

    @Test
    void theJarAsItIsRunsWithDashJar() {
        assertThat(ServerLaunch.of(Path.of("x.jar")).javaArgs()).containsExactly("-jar", "x.jar");
    }

    @Test
    void shadowsGoInFrontOfTheJarWithTheManifestsModuleFlagsAndMainClass() throws IOException {
        Path jar = jar("io.example.Main", "java.base/java.nio java.base/sun.nio.ch", "java.base/jdk.internal.misc");
        Path shadows = Files.createDirectories(dir.resolve("classes"));
        assertThat(new ServerLaunch(jar, shadows).javaArgs()).containsExactly(
            "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", shadows + File.pathSeparator + jar, "io.example.Main");
    }

    @Test
    void aJarWithoutAMainClassIsNamed() throws IOException {
        Path jar = jar(null, null, null);
        assertThatThrownBy(() -> new ServerLaunch(jar, dir).javaArgs()).hasMessageContaining(jar.toString())
            .hasMessageContaining("Main-Class");
    }

    private Path jar(String main, String opens, String exports) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (main != null) {
            a.put(Attributes.Name.MAIN_CLASS, main);
        }
        if (opens != null) {
            a.putValue("Add-Opens", opens);
        }
        if (exports != null) {
            a.putValue("Add-Exports", exports);
        }
        Path jar = dir.resolve("test.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
        return jar;
    }
}
