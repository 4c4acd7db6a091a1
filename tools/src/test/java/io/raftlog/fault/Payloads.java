package io.raftlog.fault;

import java.nio.charset.StandardCharsets;

/**
 * The payloads the workload appends: {@code p<producer>-c<counter>} (the key, unique in a run), then
 * {@code /<n>|} and n padding bytes that are a function of the key, so a dump stays readable and sizes vary.
 * The payload states its own padding length because the padding pattern alone cannot show a cut: a
 * payload cut inside its padding, or with bytes added after it, would still match the pattern. So any
 * truncation, extension or corruption fails to decode.
 */
final class Payloads {
    private Payloads() {
    }

    static String key(int producer, long counter) {
        return "p" + producer + "-c" + counter;
    }

    static byte[] encode(String key, int padding) {
        byte[] head = (key + "/" + padding + "|").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + padding];
        System.arraycopy(head, 0, out, 0, head.length);
        int seed = key.hashCode();
        for (int i = 0; i < padding; i++) {
            out[head.length + i] = padByte(seed, i);
        }
        return out;
    }

    /**
     * The key of a payload this suite wrote, or null if these bytes are not exactly one: garbage, a flipped
     * byte, a payload cut anywhere or with bytes added at its end.
     */
    static String decode(byte[] bytes) {
        int bar = -1;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '|') {
                bar = i;
                break;
            }
        }
        if (bar < 6 || bytes[0] != 'p') {
            return null;
        }
        String head = new String(bytes, 0, bar, StandardCharsets.US_ASCII);
        if (!head.matches("p\\d+-c\\d+/\\d{1,9}")) {
            return null;
        }
        int slash = head.lastIndexOf('/');
        String key = head.substring(0, slash);
        int padding = Integer.parseInt(head.substring(slash + 1));
        if (bytes.length - bar - 1 != padding) {
            return null;
        }
        int seed = key.hashCode();
        for (int i = 0; i < padding; i++) {
            if (bytes[bar + 1 + i] != padByte(seed, i)) {
                return null;
            }
        }
        return key;
    }

    private static byte padByte(int seed, int i) {
        return (byte) ('a' + Math.floorMod(seed + i * 31, 26));
    }
}
