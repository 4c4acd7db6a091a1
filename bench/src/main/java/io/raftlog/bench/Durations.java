package io.raftlog.bench;

import java.time.Duration;
import java.util.Locale;

/** Parses and prints the short durations the bench command takes: {@code 10s}, {@code 500ms}, {@code 2m}. */
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
                return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)) * 60);
            }
        } catch (NumberFormatException e) {
            // falls through to the error below, which names the accepted forms
        }
        throw new IllegalArgumentException("bad duration '" + text + "': expected e.g. 10s, 2.5s, 500ms or 2m");
    }

    static String format(long nanos) {
        return nanos % 1_000_000_000L == 0 ? nanos / 1_000_000_000L + " s" : String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }
}
