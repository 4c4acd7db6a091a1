package io.raftlog.tools;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.List;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws latency-by-percentile curves as HdrHistogram's plotter does: the x axis is
 * log10(1 / (1 - percentile)), so 90%, 99%, 99.9%... are evenly spaced and the tail gets as much room
 * as the median. One chart, one curve per run, PNG, rendered headless.
 */
public final class LatencyChart {
    /** The axis ends at 99.9999% at most. */
    private static final double MAX_NINES = 6;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

    private LatencyChart() {
    }

    public static JFreeChart build(List<HgrmCurve> curves, String title, String unit, boolean logLatency) {
        // The 100% row (the max) sits at infinity on this axis: draw it at the right edge, which is the
        // whole number of nines just past the deepest finite percentile of any curve.
        double maxX = 1;
        for (HgrmCurve c : curves) {
            for (double p : c.percentiles()) {
                if (p < 1) {
                    maxX = Math.max(maxX, Math.min(MAX_NINES, Math.ceil(nines(p) - 1e-9)));
                }
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        for (HgrmCurve c : curves) {
            XYSeries s = new XYSeries(uniqueName(data, c.name()), false, true);
            for (int i = 0; i < c.percentiles().length; i++) {
                if (logLatency && c.values()[i] <= 0) {
                    continue; // log axis: a zero latency has no place on it
                }
                s.add(Math.min(maxX, nines(c.percentiles()[i])), c.values()[i]);
            }
            data.addSeries(s);
        }
        NumberAxis x = new NumberAxis("percentile");
        TickUnits ticks = new TickUnits();
        ticks.add(new NumberTickUnit(1, new PercentileFormat()));
        x.setStandardTickUnits(ticks);
        x.setRange(0, maxX);
        ValueAxis y;
        if (logLatency) {
            LogAxis log = new LogAxis("latency (" + unit + ")");
            log.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
            // One tick per decade (1, 10, 100...): the automatic units put ticks at odd powers like 398.1.
            log.setAutoTickUnitSelection(false);
            log.setTickUnit(new NumberTickUnit(1), false, false);
            log.setMinorTickMarksVisible(true);
            y = log;
        } else {
            NumberAxis lin = new NumberAxis("latency (" + unit + ")");
            lin.setAutoRangeIncludesZero(true);
            y = lin;
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(4, 4, 4, 28)); // room for the last percentile label
        return chart;
    }

    public static void writePng(List<HgrmCurve> curves, String title, String unit, boolean logLatency, Path out,
                                int width, int height) throws IOException {
        System.setProperty("java.awt.headless", "true");
        ChartUtils.saveChartAsPNG(out.toFile(), build(curves, title, unit, logLatency), width, height);
    }

    private static double nines(double percentile) {
        return percentile >= 1 ? Double.POSITIVE_INFINITY : -Math.log10(1 - percentile);
    }

    private static String uniqueName(XYSeriesCollection data, String name) {
        String n = name;
        for (int i = 2; data.getSeriesIndex(n) >= 0; i++) {
            n = name + " (" + i + ")";
        }
        return n;
    }

    /** Labels an x value (nines) as the percentile it stands for: 0 is 0%, 1 is 90%, 2 is 99%, 3 is 99.9%. */
    static final class PercentileFormat extends NumberFormat {
        private static final long serialVersionUID = 1L;

        @Override
        public StringBuffer format(double nines, StringBuffer to, FieldPosition pos) {
            long k = Math.round(nines);
            if (Math.abs(nines - k) > 1e-9 || k < 0) {
                return to; // only whole nines get a label
            }
            BigDecimal percent = BigDecimal.ONE.subtract(BigDecimal.ONE.movePointLeft((int) k)).movePointRight(2);
            return to.append(percent.stripTrailingZeros().toPlainString()).append('%');
        }

        @Override
        public StringBuffer format(long nines, StringBuffer to, FieldPosition pos) {
            return format((double) nines, to, pos);
        }

        @Override
        public Number parse(String source, ParsePosition pos) {
            return null;
        }
    }
}
