package io.raftlog.net.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
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
        String bad = whyNotAHost(host);
        if (bad != null) {
            throw new IllegalArgumentException("'" + text.trim() + "' is not HOST:PORT (" + bad + ")");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port in '" + text.trim() + "' is not a number");
        }
        return new NodeAddress(host, port);
    }

    /**
     * Why {@code host} (brackets removed) cannot be a node's host name or address, or null if it can. Split at the
     * last ':', two addresses separated by a space ("127.0.0.1:7001 127.0.0.1:7002") made the one host
     * "127.0.0.1:7001 127.0.0.1", which a host with a colon let pass as an IPv6 address: a list of nodes that
     * quietly lost members. A host with a ':' must be an IPv6 address, and is checked as one without a name
     * lookup (only hex digits, ':' and '.' are handed to the parser, starting with a hex digit or ':': the JDK
     * takes anything else, ".::1" say, for a name and asks the resolver, found in review). An empty host is none.
     */
    public static String whyNotAHost(String host) {
        if (host.isEmpty()) {
            return "no host";
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (Character.isWhitespace(c) || c == ',' || c == ';' || c == '=') {
                return "separate nodes with commas";
            }
        }
        if (host.indexOf(':') >= 0) {
            int zone = host.indexOf('%'); // fe80::1%eth0: the interface is the host's business, not ours
            String literal = zone >= 0 ? host.substring(0, zone) : host;
            boolean ipv6 = literal.matches("[0-9A-Fa-f:][0-9A-Fa-f:.]*");
            if (ipv6) {
                try {
                    InetAddress.getByName(literal);
                } catch (UnknownHostException e) {
                    ipv6 = false;
                }
            }
            if (!ipv6) {
                return "a host with ':' must be an IPv6 address, written in brackets as [::1]:7001";
            }
        }
        return null;
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
