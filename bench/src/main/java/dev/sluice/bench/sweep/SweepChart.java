package dev.sluice.bench.sweep;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.File;
import java.io.IOException;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws the sweep against keyspace size (log scales): mean and p99 ns per request on top, the memory floor
 * among them, and bytes per key below. {@link #data} decides what is drawn (series, points, axes) and
 * {@link #write(Data, File)} only renders it.
 *
 * <p>Stateless; thread-safe (each call draws its own chart).
 */
public final class SweepChart {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2)};
    private static final Color FLOOR_COLOR = Color.DARK_GRAY;

    private SweepChart() {
    }

    /** One point of a line: a keyspace size and the figure at it. */
    public record Point(double keys, double value) {
    }

    /** What a line shows. */
    public enum Measure {
        /** Mean ns per request: a solid line. */
        MEAN,
        /** 99th percentile ns per request: a dashed line. */
        P99,
        /** Heap plus off-heap bytes per key. */
        BYTES_PER_KEY
    }

    /** One line: an implementation's figures of one measure, by keyspace size. */
    public record Series(String impl, Measure measure, String name, List<Point> points) {
    }

    /**
     * An axis. A log axis cannot range itself over a single value, so when all its figures are equal its range
     * is fixed to a third of the value up to three times it; otherwise {@code lower} and {@code upper} are
     * {@code NaN} and the axis ranges itself.
     */
    public record Axis(String label, double lower, double upper) {
        /** @return whether the range is fixed rather than automatic */
        public boolean fixed() {
            return !Double.isNaN(lower);
        }
    }

    /** Everything the chart shows. */
    public record Data(String title, Axis keys, Axis nanos, Axis bytesPerKey, List<Series> latency,
            List<Series> memory) {
    }

    /**
     * @param rows the sweep's rows; rows without clean figures are left out, and so is the floor's memory (it
     *     is the store's table by construction)
     * @param title the chart's title
     * @return what the chart shows
     */
    public static Data data(List<KeyspaceSweep.Row> rows, String title) {
        Map<String, List<Point>> mean = new LinkedHashMap<>();
        Map<String, List<Point>> p99 = new LinkedHashMap<>();
        Map<String, List<Point>> bytes = new LinkedHashMap<>();
        for (KeyspaceSweep.Row r : rows) {
            if (!r.measured()) {
                continue;
            }
            mean.computeIfAbsent(r.impl(), k -> new ArrayList<>()).add(new Point(r.keys(), r.meanNanos()));
            p99.computeIfAbsent(r.impl(), k -> new ArrayList<>()).add(new Point(r.keys(), r.p99Nanos()));
            if (!Double.isNaN(r.offHeapBytesPerKey()) && !r.impl().equals(KeyspaceSweep.FLOOR_IMPL)) {
                double perKey = r.offHeapBytesPerKey() + Math.max(0, r.heapBytesPerKey());
                bytes.computeIfAbsent(r.impl(), k -> new ArrayList<>()).add(new Point(r.keys(), Math.max(perKey, 1)));
            }
        }
        List<Series> latency = new ArrayList<>();
        mean.forEach((impl, points) -> latency.add(new Series(impl, Measure.MEAN, impl + " mean", List.copyOf(points))));
        p99.forEach((impl, points) -> latency.add(new Series(impl, Measure.P99, impl + " p99", List.copyOf(points))));
        List<Series> memory = new ArrayList<>();
        bytes.forEach((impl, points) -> memory.add(new Series(impl, Measure.BYTES_PER_KEY, impl + " heap + off-heap",
                List.copyOf(points))));
        return new Data(title,
                axis("keys in the keyspace", latency, true),
                axis("ns per request (solid: mean, dashed: p99 of requests timed one by one)", latency, false),
                axis("bytes per key (heap + off-heap; where off-heap is known)", memory, false),
                List.copyOf(latency), List.copyOf(memory));
    }

    private static Axis axis(String label, List<Series> series, boolean keys) {
        double lower = Double.POSITIVE_INFINITY;
        double upper = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (Point p : s.points()) {
                double v = keys ? p.keys() : p.value();
                lower = Math.min(lower, v);
                upper = Math.max(upper, v);
            }
        }
        if (lower > 0 && upper <= lower * 1.0001) {
            return new Axis(label, lower / 3, upper * 3);
        }
        return new Axis(label, Double.NaN, Double.NaN);
    }

    /** Draws {@link #data} of {@code rows} into {@code png}. */
    public static void write(List<KeyspaceSweep.Row> rows, File png, String title) throws IOException {
        write(data(rows, title), png);
    }

    /** Renders {@code data} as a 1100 × 800 PNG. */
    public static void write(Data data, File png) throws IOException {
        List<String> impls = new ArrayList<>();
        for (Series s : data.latency()) {
            if (!impls.contains(s.impl())) {
                impls.add(s.impl());
            }
        }
        XYSeriesCollection latency = new XYSeriesCollection();
        XYLineAndShapeRenderer latencyRenderer = new XYLineAndShapeRenderer(true, true);
        BasicStroke dashed = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 4f}, 0f);
        for (Series s : data.latency()) {
            int i = latency.getSeriesCount();
            latency.addSeries(xy(s));
            latencyRenderer.setSeriesPaint(i, color(s.impl(), impls));
            latencyRenderer.setSeriesStroke(i, s.measure() == Measure.P99 ? dashed : new BasicStroke(2f));
        }
        XYSeriesCollection memory = new XYSeriesCollection();
        XYLineAndShapeRenderer memoryRenderer = new XYLineAndShapeRenderer(true, true);
        for (Series s : data.memory()) {
            int i = memory.getSeriesCount();
            memory.addSeries(xy(s));
            memoryRenderer.setSeriesPaint(i, color(s.impl(), impls));
            memoryRenderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        XYPlot top = new XYPlot(latency, null, logAxis(data.nanos()), latencyRenderer);
        XYPlot bottom = new XYPlot(memory, null, logAxis(data.bytesPerKey()), memoryRenderer);
        for (XYPlot p : new XYPlot[] {top, bottom}) {
            p.setBackgroundPaint(Color.WHITE);
            p.setDomainGridlinePaint(Color.LIGHT_GRAY);
            p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(logAxis(data.keys()));
        plot.add(top, 3);
        plot.add(bottom, 2);
        plot.setGap(12);
        JFreeChart chart = new JFreeChart(data.title(), new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png, chart, 1100, 800);
    }

    private static XYSeries xy(Series s) {
        XYSeries xy = new XYSeries(s.name());
        for (Point p : s.points()) {
            xy.add(p.keys(), p.value());
        }
        return xy;
    }

    private static Color color(String impl, List<String> impls) {
        if (impl.equals(KeyspaceSweep.FLOOR_IMPL)) {
            return FLOOR_COLOR;
        }
        List<String> others = impls.stream().filter(i -> !i.equals(KeyspaceSweep.FLOOR_IMPL)).toList();
        return PALETTE[Math.max(0, others.indexOf(impl)) % PALETTE.length];
    }

    private static LogAxis logAxis(Axis spec) {
        LogAxis axis = new LogAxis(spec.label());
        axis.setBase(10);
        axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        axis.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
        if (spec.fixed()) {
            axis.setAutoRange(false);
            axis.setRange(spec.lower(), spec.upper());
        }
        return axis;
    }
}
