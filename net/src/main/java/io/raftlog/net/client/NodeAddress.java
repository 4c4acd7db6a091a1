package io.raftlog.net.client;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Where a node listens, as the user wrote it ({@code host:port}). */
public record NodeAddress(String host, int port) {

    public NodeAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("empty host in node address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " of " + host + " is not in 1..65535");
        }
    }

    /** Parses {@code host:port}; an {@code id=} prefix (the server's --cluster form) is accepted and ignored. */
    public static NodeAddress parse(String text) {
        String s = text.trim();
        int eq = s.indexOf('=');
        if (eq >= 0) {
            s = s.substring(eq + 1);
        }
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("'" + text.trim() + "' is not HOST:PORT");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port in '" + text.trim() + "' is not a number");
        }
        return new NodeAddress(host, port);
    }

    /** Parses a comma-separated list such as {@code 127.0.0.1:7001,127.0.0.1:7002} (duplicates removed). */
    public static List<NodeAddress> parseList(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no node addresses given (expected HOST:PORT,HOST:PORT,...)");
        }
        List<NodeAddress> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            NodeAddress a = parse(part);
            if (!out.contains(a)) {
                out.add(a);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no node addresses in '" + text + "'");
        }
        return out;
    }

    /** The list as the user would write it, for error messages. */
    public static String join(List<NodeAddress> addresses) {
        StringBuilder sb = new StringBuilder();
        for (NodeAddress a : addresses) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(a);
        }
        return sb.toString();
    }

    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
