package io.raftlog.bench;

import java.util.Locale;

/** Builds the one-line JSON objects the load generator prints ({@code RESULT {...}}, {@code MEDIAN {...}}). */
final class JsonLine {
    private final StringBuilder b;

    /** Starts {@code prefix {}. */
    JsonLine(String prefix) {
        b = new StringBuilder(320).append(prefix).append(" {");
    }

    JsonLine text(String name, String value) {
        key(name).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('"');
        return this;
    }

    JsonLine bool(String name, boolean value) {
        key(name).append(value);
        return this;
    }

    JsonLine number(String name, long value) {
        key(name).append(value);
        return this;
    }

    JsonLine decimal(String name, double value, int decimals) {
        key(name).append(String.format(Locale.ROOT, "%." + decimals + "f", value));
        return this;
    }

    /** The field only when {@code value} is known (not negative): JSON has no "unknown" number. */
    JsonLine decimalIfKnown(String name, double value, int decimals) {
        return value < 0 ? this : decimal(name, value, decimals);
    }

    @Override
    public String toString() {
        return b + "}";
    }

    private StringBuilder key(String name) {
        if (b.charAt(b.length() - 1) != '{') {
            b.append(',');
        }
        return b.append('"').append(name).append("\":");
    }
}
