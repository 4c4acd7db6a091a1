package io.raftlog.pipeline;

/**
 * What a node drops of its committed log, whole journal files at a time: the files all of whose entries were
 * written longer ago than {@code maxAgeMillis}, and the oldest files while they take more than {@code maxBytes}.
 * 0 turns a bound off; {@link #KEEP_ALL} turns both off.
 */
public record Retention(long maxAgeMillis, long maxBytes) {
    public static final Retention KEEP_ALL = new Retention(0, 0);

    public Retention {
        if (maxAgeMillis < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("retention bounds must be >= 0, got " + maxAgeMillis + " ms and " + maxBytes + " bytes");
        }
    }

    public boolean keepsAll() {
        return maxAgeMillis == 0 && maxBytes == 0;
    }
}
