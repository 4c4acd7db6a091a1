package io.raftlog.net.transport;

import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.Roles;

/** Which frame types a side accepts after the handshake, by its own role and the remote's. */
final class FramePolicy {

    private static final boolean[][] TABLES = new boolean[3 * 3][];

    static {
        for (int local = Roles.NODE; local <= Roles.CLIENT; local++) {
            for (int remote = Roles.NODE; remote <= Roles.CLIENT; remote++) {
                boolean[] table = new boolean[256];
                for (int type = 0; type < 256; type++) {
                    table[type] = allowed(local, remote, type);
                }
                TABLES[local * 3 + remote] = table;
            }
        }
    }

    private FramePolicy() {
    }

    /** {@link #allowed} as a table indexed by type, shared (read only) for one pair of roles. */
    static boolean[] allowedTypes(int localRole, int remoteRole) {
        return TABLES[localRole * 3 + remoteRole];
    }

    static boolean allowed(int localRole, int remoteRole, int type) {
        if (localRole == Roles.NODE && remoteRole == Roles.NODE) {
            return FrameType.isPeer(type) || type == FrameType.ERROR;
        }
        if (localRole == Roles.NODE && remoteRole == Roles.CLIENT) {
            return FrameType.isClientRequest(type);
        }
        if (localRole == Roles.CLIENT && remoteRole == Roles.NODE) {
            return FrameType.isClientResponse(type) || type == FrameType.ERROR;
        }
        return false;
    }
}
