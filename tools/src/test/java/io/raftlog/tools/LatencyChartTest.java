package io.raftlog.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import javax.imageio.ImageIO;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyChartTest {

    @TempDir
    Path dir;

    /** A seeded, skewed latency distribution in ns, written as the bench command writes it (µs). */
    private Path hgrm(String name, long seed, long medianMicros) throws IOException {
        Histogram h = new Histogram(60_000_000_000L, 3);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 50_000; i++) {
            double tail = -Math.log(1 - random.nextDouble()); // exponential: a long tail
            h.recordValue((long) (medianMicros * 1_000 * (0.5 + tail)));
        }
        Path file = dir.resolve(name + ".hgrm");
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), true, StandardCharsets.UTF_8)) {
            h.outputPercentileDistribution(out, 5, 1_000.0);
        }
        return file;
    }

    @Test
    void readsEveryRowOfAnHgrmFileInItsUnit() throws IOException {
        HgrmCurve c = HgrmCurve.read(hgrm("w2-fsync", 7, 400));

        assertThat(c.name()).isEqualTo("w2-fsync");
        assertThat(c.percentiles().length).isGreaterThan(50);
        assertThat(c.percentiles()[0]).isZero();
        assertThat(c.percentiles()[c.percentiles().length - 1]).isEqualTo(1.0);
        assertThat(c.percentiles()).isSorted();
        assertThat(c.values()).isSorted();
        // exponential tail shifted by 0.5: the median is (0.5 + ln 2) * 400 µs = about 477 µs
        int median = 0;
        while (c.percentiles()[median] < 0.5) {
            median++;
        }
        assertThat(c.values()[median]).isBetween(440.0, 520.0);
    }

    @Test
    void rendersCurvesOfSeveralRunsIntoOnePng() throws IOException {
        Path png = dir.resolve("chart.png");

        int exit = plot(hgrm("durable", 1, 900).toString(), hgrm("not-durable", 2, 300).toString(),
            "--out", png.toString(), "--width", "800", "--height", "500");

        assertThat(exit).isEqualTo(Cli.OK);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(800);
        assertThat(image.getHeight()).isEqualTo(500);
        assertThat(pixels(image, 0x1f77b4)).as("first curve's colour").isGreaterThan(200);
        assertThat(pixels(image, 0xd62728)).as("second curve's colour").isGreaterThan(200);
    }

    @Test
    void percentileAxisIsLabelledInNines() {
        LatencyChart.PercentileFormat f = new LatencyChart.PercentileFormat();
        assertThat(f.format(0.0)).isEqualTo("0%");
        assertThat(f.format(1.0)).isEqualTo("90%");
        assertThat(f.format(2.0)).isEqualTo("99%");
        assertThat(f.format(3.0)).isEqualTo("99.9%");
        assertThat(f.format(5.0)).isEqualTo("99.999%");
        assertThat(f.format(1.5)).isEmpty();
    }

    @Test
    void aFileThatIsNotAnHgrmIsRejectedNamingTheLine() throws IOException {
        Path bad = dir.resolve("bad.hgrm");
        Files.writeString(bad, "Value Percentile\n12.0 0.5\n");

        assertThatThrownBy(() -> HgrmCurve.read(bad))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("bad.hgrm:2").hasMessageContaining("got 2");
        assertThat(plot(bad.toString(), "--out", dir.resolve("x.png").toString())).isEqualTo(Cli.USAGE);
    }

    /** Runs the plot command as the command line does ({@code raftlog bench plot ...}). */
    private static int plot(String... args) {
        return Cli.newCommandLine(new BenchPlotCommand()).execute(args);
    }

    private static int pixels(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }
}
