package io.raftlog.net.codec;

/** The role a connecting side declares in its {@link HandshakeFrame}. */
public final class Roles {
    /** A raftlog node: peer connections, and what an accepting node says of itself. */
    public static final int NODE = 1;
    /** A producer, consumer or admin tool. */
    public static final int CLIENT = 2;

    private Roles() {
    }

    public static String name(int role) {
        return switch (role) {
            case NODE -> "NODE";
            case CLIENT -> "CLIENT";
            default -> "UNKNOWN(" + role + ")";
        };
    }
}
