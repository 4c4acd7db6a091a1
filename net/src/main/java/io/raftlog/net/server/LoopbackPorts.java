package io.raftlog.net.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TCP ports on the loopback address that are free now, for clusters started on one machine (the demo, the
 * in-process benchmark cluster, tests, the benchmark peers), whose members must all know each other's addresses
 * before any of them listens.
 *
 * <p>All the ports are held open together while they are picked, so they differ, and are closed before this
 * returns. Another program may take one before its node binds it; that node then fails to start with the address
 * in its error.
 */
public final class LoopbackPorts {

    private LoopbackPorts() {
    }

    /** {@code n} distinct ports the kernel handed out on the loopback address. */
    public static int[] free(int n) {
        ServerSocket[] held = new ServerSocket[n];
        int[] ports = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                held[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = held[i].getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find " + n + " free loopback ports: " + e.getMessage(), e);
        } finally {
            for (ServerSocket s : held) {
                if (s != null) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // nothing listened on it: the port is free either way
                    }
                }
            }
        }
        return ports;
    }

    /** Members 1..n, each at a free loopback port. */
    public static Map<Integer, InetSocketAddress> members(int n) {
        Map<Integer, InetSocketAddress> out = new LinkedHashMap<>();
        int[] ports = free(n);
        for (int i = 0; i < n; i++) {
            out.put(i + 1, new InetSocketAddress(InetAddress.getLoopbackAddress(), ports[i]));
        }
        return out;
    }
}
