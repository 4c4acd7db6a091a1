package io.raftlog.net.codec;

/** The codes an {@link ErrorFrame} carries; see the table in docs/PROTOCOL.md. */
public final class ErrorCode {
    public static final int NOT_LEADER = 1;
    public static final int BUSY = 2;
    public static final int TOO_LARGE = 3;
    public static final int INVALID = 4;
    public static final int UNSUPPORTED_VERSION = 5;
    public static final int WRONG_CLUSTER = 6;
    public static final int UNEXPECTED_FRAME = 7;
    public static final int UNKNOWN_TYPE = 8;
    public static final int MALFORMED = 9;
    public static final int SHUTTING_DOWN = 10;
    public static final int STORAGE_FAILURE = 11;
    public static final int NO_LEADER = 12;
    public static final int BEHIND = 13;

    private static final String[] NAMES = {
        null, "NOT_LEADER", "BUSY", "TOO_LARGE", "INVALID", "UNSUPPORTED_VERSION", "WRONG_CLUSTER",
        "UNEXPECTED_FRAME", "UNKNOWN_TYPE", "MALFORMED", "SHUTTING_DOWN", "STORAGE_FAILURE", "NO_LEADER", "BEHIND"
    };

    private ErrorCode() {
    }

    public static boolean isKnown(int code) {
        return code > 0 && code < NAMES.length;
    }

    public static String name(int code) {
        return isKnown(code) ? NAMES[code] : "UNKNOWN(" + code + ")";
    }
}
