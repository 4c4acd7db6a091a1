package io.raftlog.net.transport;

import io.raftlog.net.codec.FrameType;
import io.raftlog.net.codec.Roles;

/** Which frame types a side accepts after the handshake, by its own role and the remote's. */
final class FramePolicy {

    private FramePolicy() {
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
