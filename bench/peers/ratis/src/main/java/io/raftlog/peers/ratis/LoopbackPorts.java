package io.raftlog.peers.ratis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * TCP ports on the loopback address that are free now. Each Ratis server must know every member's address before
 * any of them starts, so the ports are picked up front: the operating system hands out ephemeral ports, all held
 * at once (so they differ) and released just before the servers bind them. Another process could take one in
 * between; then a server fails to start, and the run says so.
 */
final class LoopbackPorts {
    /** The address the servers bind and their peer addresses name; IPv4, so that {@code host:port} needs no brackets. */
    static final String HOST = "127.0.0.1";

    private LoopbackPorts() {
    }

    static List<Integer> free(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                held.add(socket);
                ports.add(socket.getLocalPort());
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free loopback ports: " + e.getMessage(), e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // nothing listened on it yet: there is nothing to lose
                }
            }
        }
    }
}
