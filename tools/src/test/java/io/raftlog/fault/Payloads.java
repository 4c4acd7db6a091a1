package io.raftlog.fault;

import java.nio.charset.StandardCharsets;

/**
 * The payloads the workload appends: {@code p<producer>-c<counter>} (the key, unique in a run), then
 * {@code |} and a padding whose bytes are a function of the key and its length, so a dump stays readable,
 * sizes vary, and a corrupted or truncated entry does not decode.
 */
final class Payloads {
    private Payloads() {
    }

    static String key(int producer, long counter) {
        return "p" + producer + "-c" + counter;
    }

    static byte[] encode(String key, int padding) {
        byte[] k = key.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[k.length + 1 + padding];
        System.arraycopy(k, 0, out, 0, k.length);
        out[k.length] = '|';
        int seed = key.hashCode();
        for (int i = 0; i < padding; i++) {
            out[k.length + 1 + i] = padByte(seed, i);
        }
        return out;
    }

    /** The key of a payload this suite wrote, or null if these bytes are not one (garbage, corruption, truncation). */
    static String decode(byte[] bytes) {
        int bar = -1;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '|') {
                bar = i;
                break;
            }
        }
        if (bar < 4 || bytes[0] != 'p') {
            return null;
        }
        String key = new String(bytes, 0, bar, StandardCharsets.US_ASCII);
        if (!key.matches("p\\d+-c\\d+")) {
            return null;
        }
        int seed = key.hashCode();
        for (int i = bar + 1; i < bytes.length; i++) {
            if (bytes[i] != padByte(seed, i - bar - 1)) {
                return null;
            }
        }
        return key;
    }

    private static byte padByte(int seed, int i) {
        return (byte) ('a' + Math.floorMod(seed + i * 31, 26));
    }
}
