package io.raftlog.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code raftlog bench plot FILE... --out chart.png}: latency-by-percentile curves of runs, in one chart. */
@Command(name = "plot", mixinStandardHelpOptions = true,
    description = "Draw the latency-by-percentile curves of one or more .hgrm files (from 'raftlog bench --hgrm')"
        + " in one PNG chart, percentile axis in nines like HdrHistogram's plotter.")
public final class BenchPlotCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "HdrHistogram percentile distributions (.hgrm); each is one curve named after its file")
    List<Path> files;

    @Option(names = "--out", required = true, paramLabel = "PNG", description = "the chart to write")
    Path out;

    @Option(names = "--title", defaultValue = "raftlog commit latency by percentile", description = "chart title (default: ${DEFAULT-VALUE})")
    String title;

    @Option(names = "--unit", defaultValue = "us", description = "unit of the .hgrm values, for the axis label (default: ${DEFAULT-VALUE})")
    String unit;

    @Option(names = "--log-latency", description = "logarithmic latency axis (for curves of very different scale)")
    boolean logLatency;

    @Option(names = "--width", defaultValue = "1000", description = "pixels (default: ${DEFAULT-VALUE})")
    int width;

    @Option(names = "--height", defaultValue = "600", description = "pixels (default: ${DEFAULT-VALUE})")
    int height;

    @Override
    public Integer call() throws Exception {
        if (width < 100 || height < 100 || width > 10_000 || height > 10_000) {
            throw new IllegalArgumentException("--width and --height must be between 100 and 10000 pixels");
        }
        Path dir = out.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("cannot write " + out + ": directory " + dir + " does not exist");
        }
        List<HgrmCurve> curves = new ArrayList<>();
        for (Path f : files) {
            curves.add(HgrmCurve.read(f));
        }
        LatencyChart.writePng(curves, title, unit, logLatency, out, width, height);
        System.out.println("wrote " + out + " (" + curves.size() + (curves.size() == 1 ? " curve)" : " curves)"));
        return Cli.OK;
    }
}
