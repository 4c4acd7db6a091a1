package io.raftlog.peers.aeron;

/**
 * The UDP ports of a three-member peer cluster on localhost: ten per member from a base, one for each of the
 * member's endpoints.
 */
record PeerPorts(int base, int members) {
    private static final int INGRESS = 1;
    private static final int CONSENSUS = 2;
    private static final int LOG = 3;
    private static final int ARCHIVE = 4;

    int archive(int member) {
        return port(member, ARCHIVE);
    }

    private int port(int member, int offset) {
        return base + member * 10 + offset;
    }

    /** Aeron's member list: {@code id,ingress,consensus,log,catchup,archive|...} (catch-up on an ephemeral port). */
    String clusterMembers() {
        StringBuilder s = new StringBuilder();
        for (int m = 0; m < members; m++) {
            s.append(m == 0 ? "" : "|").append(m)
                .append(",localhost:").append(port(m, INGRESS))
                .append(",localhost:").append(port(m, CONSENSUS))
                .append(",localhost:").append(port(m, LOG))
                .append(",localhost:0")
                .append(",localhost:").append(port(m, ARCHIVE));
        }
        return s.toString();
    }

    /** The client's view: {@code id=host:port,...} of every member's ingress. */
    String ingressEndpoints() {
        StringBuilder s = new StringBuilder();
        for (int m = 0; m < members; m++) {
            s.append(m == 0 ? "" : ",").append(m).append("=localhost:").append(port(m, INGRESS));
        }
        return s.toString();
    }
}
