package io.raftlog.journal;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.IntStream;

/**
 * Which node of which cluster a data directory belongs to: {@code DATA/node-identity}, written (durably) at the
 * node's first start and checked at every later one.
 *
 * <p>Why: the hard state in a data directory is one node's promise of its vote in each term. A server started on
 * another node's directory (swapped {@code --data} or {@code --id}) would vote again in terms where that node
 * already voted, or where it did itself, and two leaders of one term become possible; its journal would also
 * answer for entries that node acknowledged. etcd refuses the same mistake by checking the member id in its WAL.
 *
 * <p>It also records the cluster's member ids. raftlog's membership is fixed: it has no joint consensus, so a
 * cluster restarted with another member set counts majorities it never agreed on. Grown from 1,2,3 to
 * 1,2,3,4,5 with 2 and 3 down, for one, node 1 and the two new nodes are a majority, and node 1 may lack an
 * entry that 2 and 3 committed: electing it loses that entry. A start that names other members is refused;
 * peers that run with different member sets also refuse each other's handshakes. Hosts and ports may change.
 */
public final class NodeIdentity {
    public static final String FILE_NAME = "node-identity";

    private NodeIdentity() {
    }

    /**
     * Records {@code nodeId}, {@code clusterId} and the member ids in {@code dataDir} if it has no identity yet (a
     * new directory), otherwise checks that they are the ones recorded. A directory whose identity names no members
     * (written before they were kept) has them added.
     *
     * @throws IllegalStateException naming both when the directory belongs to another node or cluster, or to
     *         a cluster of other members
     * @throws UncheckedIOException when the file cannot be read or written
     */
    public static void claim(Path dataDir, int nodeId, long clusterId, int[] members) {
        Path file = dataDir.resolve(FILE_NAME);
        String memberIds = memberIds(members);
        try {
            if (!Files.exists(file)) {
                write(file, nodeId, clusterId, memberIds);
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
            String recordedMembers = p.getProperty("members");
            if (recordedMembers == null) {
                write(file, nodeId, clusterId, memberIds);
            } else if (!recordedMembers.trim().equals(memberIds)) {
                throw new IllegalStateException("data directory " + dataDir + " belongs to a cluster of members "
                    + recordedMembers.trim() + ", and this start names members " + memberIds + ": raftlog's membership is"
                    + " fixed (a changed member set could elect a leader that lacks committed entries); start with the"
                    + " members the cluster was created with, or start a new cluster on new directories");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, int nodeId, long clusterId, String memberIds) throws IOException {
        String text = "# which raftlog node this data directory belongs to; never edit\nnode-id=" + nodeId
            + "\ncluster-id=" + clusterId + "\nmembers=" + memberIds + "\n";
        DurableFiles.replace(file, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The member ids in ascending order, comma-separated: the same set always reads the same. */
    static String memberIds(int[] members) {
        StringBuilder sb = new StringBuilder();
        for (int id : IntStream.of(members).sorted().distinct().toArray()) {
            sb.append(sb.length() == 0 ? "" : ",").append(id);
        }
        return sb.toString();
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
