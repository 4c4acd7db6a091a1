package io.raftlog.net.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * TCP ports on the loopback address that are free now, for clusters started on one machine (the demo, the
 * in-process benchmark cluster, tests, the benchmark peers), whose members must all know each other's addresses
 * before any of them listens.
 *
 * <p>All the ports are held open together while they are picked, so they differ, and are closed before this
 * returns. Another program may take one before its node binds it; that node then fails to start with the address
 * in its error. They are picked below the kernel's range of ephemeral ports where one is free there: a node that
 * is restarted binds its old port again, and an outgoing connection meanwhile (a client, a proxy) may have been
 * given it as its local port had it come from that range.
 */
public final class LoopbackPorts {
    /** Where ports are looked for: this many below the start of the ephemeral range. */
    private static final int BELOW_EPHEMERAL = 12_000;
    private static final int TRIES_PER_PORT = 100;

    private LoopbackPorts() {
    }

    /** {@code n} distinct ports free on the loopback address. */
    public static int[] free(int n) {
        ServerSocket[] held;
        try {
            held = hold(n);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find " + n + " free loopback ports: " + e.getMessage(), e);
        }
        int[] ports = new int[n];
        for (int i = 0; i < n; i++) {
            ports[i] = held[i].getLocalPort();
        }
        closeAll(held);
        return ports;
    }

    /** {@code n} server sockets bound to distinct free loopback ports, held for the caller to close. */
    public static ServerSocket[] hold(int n) throws IOException {
        ServerSocket[] held = new ServerSocket[n];
        int high = ephemeralRangeStart();
        int low = Math.max(1024, high - BELOW_EPHEMERAL);
        try {
            for (int i = 0; i < n; i++) {
                held[i] = bindBetween(low, high);
            }
        } catch (IOException e) {
            closeAll(held);
            throw e;
        }
        return held;
    }

    /** A socket on a random free port in [low, high), or on one the kernel picks if none was found there. */
    private static ServerSocket bindBetween(int low, int high) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int t = 0; t < TRIES_PER_PORT && low < high; t++) {
            ServerSocket s = new ServerSocket();
            try {
                s.bind(new InetSocketAddress(loopback, ThreadLocalRandom.current().nextInt(low, high)), 1);
                return s;
            } catch (IOException taken) {
                s.close();
            }
        }
        return new ServerSocket(0, 1, loopback);
    }

    /** The first port of the kernel's ephemeral range (Linux; 32768, its default, elsewhere). */
    static int ephemeralRangeStart() {
        // Read as a stream: a /proc file says it is empty, and Files.readString sized by that returns one byte.
        try (BufferedReader in = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            return Integer.parseInt(in.readLine().trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }

    private static void closeAll(ServerSocket[] sockets) {
        for (ServerSocket s : sockets) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // nothing listened on it: the port is free either way
                }
            }
        }
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
