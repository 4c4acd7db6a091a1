package io.raftlog.bench;

import java.time.Duration;
import java.util.Locale;

/**
 * Parses and prints the durations the commands take: {@code 10s}, {@code 500ms}, {@code 2m}, and for retention
 * {@code 12h} or {@code 7d}.
 */
public final class Durations {
    private Durations() {
    }

    public static Duration parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
            }
            if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            if (s.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            if (s.endsWith("d")) {
                return Duration.ofDays(Long.parseLong(s.substring(0, s.length() - 1)));
            }
        } catch (NumberFormatException e) {
            // falls through to the error below, which names the accepted forms
        }
        throw new IllegalArgumentException("bad duration '" + text + "': expected e.g. 10s, 2.5s, 500ms, 2m, 12h or 7d");
    }

    static String format(long nanos) {
        return nanos % 1_000_000_000L == 0 ? nanos / 1_000_000_000L + " s" : String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }
}
