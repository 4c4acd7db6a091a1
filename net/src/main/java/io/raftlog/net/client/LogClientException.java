package io.raftlog.net.client;

/** A client operation did not succeed; the message names what failed (node, deadline, server's reason). */
public class LogClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LogClientException(String message) {
        super(message);
    }

    public LogClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
