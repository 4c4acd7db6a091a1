package io.raftlog.journal;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Which node of which cluster a data directory belongs to: {@code DATA/node-identity}, written (durably) at the
 * node's first start and checked at every later one.
 *
 * <p>Why: the hard state in a data directory is one node's promise of its vote in each term. A server started on
 * another node's directory (swapped {@code --data} or {@code --id}) would vote again in terms where that node
 * already voted, or where it did itself, and two leaders of one term become possible; its journal would also
 * answer for entries that node acknowledged. etcd refuses the same mistake by checking the member id in its WAL.
 */
public final class NodeIdentity {
    public static final String FILE_NAME = "node-identity";

    private NodeIdentity() {
    }

    /**
     * Records {@code nodeId} and {@code clusterId} in {@code dataDir} if it has no identity yet (a new directory,
     * or one from before identities were kept), otherwise checks that they are the ones recorded.
     *
     * @throws IllegalStateException naming both when the directory belongs to another node or cluster
     * @throws UncheckedIOException when the file cannot be read or written
     */
    public static void claim(Path dataDir, int nodeId, long clusterId) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                String text = "# which raftlog node this data directory belongs to; never edit\nnode-id=" + nodeId
                    + "\ncluster-id=" + clusterId + "\n";
                DurableFiles.replace(file, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                return;
            }
            Properties p = new Properties();
            p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            long recordedNode = number(p, "node-id", file);
            long recordedCluster = number(p, "cluster-id", file);
            if (recordedNode != nodeId || recordedCluster != clusterId) {
                throw new IllegalStateException("data directory " + dataDir + " belongs to node " + recordedNode
                    + " of cluster id " + recordedCluster + ", not to node " + nodeId + " of cluster id " + clusterId
                    + ": start that node on it, or give this one its own directory");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file + ": " + e.getMessage(), e);
        }
    }

    private static long number(Properties p, String key, Path file) {
        String v = p.getProperty(key);
        try {
            return Long.parseLong(v == null ? "" : v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(file + " is damaged: '" + key + "' is " + (v == null ? "missing" : "'" + v + "'")
                + "; it records which node the directory belongs to");
        }
    }
}
