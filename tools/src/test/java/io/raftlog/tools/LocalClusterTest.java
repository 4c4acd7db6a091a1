package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalClusterTest {
    @TempDir
    Path dir;

    @Test
    void aClosedClusterStartsNoNodeAndLeavesItsDirectoryDeleted() throws Exception {
        // The demo's Ctrl-C hook closes the cluster while its main thread may be about to restart a node.
        Path base = dir.resolve("cluster");
        LocalCluster c = LocalCluster.start(dir.resolve("never-run.jar"), base, true, 0, List.of());
        assertThat(base).isDirectory();
        c.close();
        assertThat(base).doesNotExist();
        assertThatThrownBy(() -> c.start(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("was closed");
        assertThat(base).as("not recreated").doesNotExist();
    }
}
