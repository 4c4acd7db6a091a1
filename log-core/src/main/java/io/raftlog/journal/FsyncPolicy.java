package io.raftlog.journal;

/**
 * When written entries count as durable on a node: {@code batch} (fsync each flushed batch before it
 * counts), {@code interval:MS} (counts when written, fsync every MS milliseconds in the background), or
 * {@code none} (page cache only; the OS writes back when it likes).
 */
public record FsyncPolicy(Mode mode, long intervalMillis) {

    public enum Mode { BATCH, INTERVAL, NONE }

    public static final FsyncPolicy BATCH = new FsyncPolicy(Mode.BATCH, 0);
    public static final FsyncPolicy NONE = new FsyncPolicy(Mode.NONE, 0);

    public FsyncPolicy {
        if (mode == Mode.INTERVAL && intervalMillis <= 0) {
            throw new IllegalArgumentException("fsync interval must be > 0 ms, got " + intervalMillis);
        }
    }

    public static FsyncPolicy interval(long millis) {
        return new FsyncPolicy(Mode.INTERVAL, millis);
    }

    /** Parses {@code batch}, {@code none} or {@code interval:MS}; the message names what is wrong. */
    public static FsyncPolicy parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("batch")) {
            return BATCH;
        }
        if (s.equals("none")) {
            return NONE;
        }
        if (s.startsWith("interval:")) {
            try {
                return interval(Long.parseLong(s.substring("interval:".length())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad fsync policy '" + text + "': interval needs milliseconds, e.g. interval:5");
            }
        }
        throw new IllegalArgumentException("bad fsync policy '" + text + "': expected batch, none or interval:MS");
    }

    @Override
    public String toString() {
        return mode == Mode.INTERVAL ? "interval:" + intervalMillis : mode.name().toLowerCase(java.util.Locale.ROOT);
    }
}
