package io.raftlog.tools;

import java.util.Locale;

/** Parses the sizes the command line takes: {@code 500000}, {@code 512MB}, {@code 10GB}, {@code 2TB} (units of 1024). */
final class ByteSizes {
    private static final String[] UNITS = {"TB", "GB", "MB", "KB", "B"};
    private static final int[] SHIFTS = {40, 30, 20, 10, 0};

    private ByteSizes() {
    }

    /** @throws IllegalArgumentException naming {@code option} and the accepted forms, for anything else or for 0 */
    static long parse(String text, String option) {
        String s = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
        for (int i = 0; i < UNITS.length; i++) {
            if (s.endsWith(UNITS[i]) || i == UNITS.length - 1) {
                String number = s.endsWith(UNITS[i]) ? s.substring(0, s.length() - UNITS[i].length()).trim() : s;
                try {
                    long n = Long.parseLong(number);
                    if (n <= 0 || n > (Long.MAX_VALUE >> SHIFTS[i])) {
                        throw new IllegalArgumentException(option + " must be positive and below 8 EB, was '" + text + "'");
                    }
                    return n << SHIFTS[i];
                } catch (NumberFormatException e) {
                    break;
                }
            }
        }
        throw new IllegalArgumentException(option + ": bad size '" + text + "': expected e.g. 500000, 512MB, 10GB or 2TB");
    }
}
