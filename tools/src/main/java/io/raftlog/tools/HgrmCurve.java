package io.raftlog.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One latency-by-percentile curve read from an HdrHistogram percentile distribution (.hgrm, the text
 * {@code outputPercentileDistribution} writes: Value, Percentile, TotalCount, 1/(1-Percentile) per row).
 * Values keep the file's unit; the bench command writes microseconds.
 */
public record HgrmCurve(String name, double[] percentiles, double[] values) {

    public HgrmCurve {
        if (percentiles.length != values.length || percentiles.length == 0) {
            throw new IllegalArgumentException("curve '" + name + "' needs as many values as percentiles, at least one");
        }
    }

    /** Reads a .hgrm file; the curve is named after the file without its extension. */
    public static HgrmCurve read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such .hgrm file: " + file);
        }
        String fileName = file.getFileName().toString();
        String name = fileName.endsWith(".hgrm") ? fileName.substring(0, fileName.length() - 5) : fileName;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(name, in, file.toString());
        }
    }

    static HgrmCurve parse(String name, BufferedReader in, String source) throws IOException {
        double[] p = new double[64];
        double[] v = new double[64];
        int n = 0;
        int lineNo = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lineNo++;
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("Value")) {
                continue;
            }
            String[] cols = t.split("\\s+");
            if (cols.length != 4 && cols.length != 3) { // the 100% row has no 1/(1-Percentile)
                throw new IllegalArgumentException(source + ":" + lineNo + ": expected the columns Value Percentile TotalCount"
                    + " 1/(1-Percentile), got " + cols.length + ": '" + t + "'");
            }
            double value;
            double percentile;
            try {
                value = Double.parseDouble(cols[0]);
                percentile = Double.parseDouble(cols[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(source + ":" + lineNo + ": not a number in '" + t + "'");
            }
            if (percentile < 0 || percentile > 1) {
                throw new IllegalArgumentException(source + ":" + lineNo + ": percentile " + percentile + " is not in 0..1");
            }
            if (n == p.length) {
                p = Arrays.copyOf(p, n * 2);
                v = Arrays.copyOf(v, n * 2);
            }
            p[n] = percentile;
            v[n] = value;
            n++;
        }
        if (n == 0) {
            throw new IllegalArgumentException(source + ": no percentile rows; is it an HdrHistogram .hgrm file?");
        }
        return new HgrmCurve(name, Arrays.copyOf(p, n), Arrays.copyOf(v, n));
    }
}
