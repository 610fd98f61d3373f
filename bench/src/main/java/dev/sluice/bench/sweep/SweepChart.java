package dev.sluice.bench.sweep;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.File;
import java.text.DecimalFormat;
import java.io.IOException;
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

/** Draws the sweep: median and p99 ns per check, and bytes per key, against keyspace size (log scale). */
public final class SweepChart {
    private SweepChart() {
    }

    private static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setBase(10);
        axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        axis.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
        return axis;
    }

    private static void widenIfSingleValue(LogAxis axis, double lower, double upper) {
        if (lower > 0 && upper <= lower * 1.0001) {
            axis.setAutoRange(false);
            axis.setRange(lower / 3, upper * 3);
        }
    }

    /**
     * @param rows the sweep's rows; rows without figures are left out
     * @param png where to write the chart
     * @param title the chart's title
     */
    public static void write(List<KeyspaceSweep.Row> rows, File png, String title) throws IOException {
        Map<String, XYSeries> median = new LinkedHashMap<>();
        Map<String, XYSeries> p99 = new LinkedHashMap<>();
        Map<String, XYSeries> bytes = new LinkedHashMap<>();
        for (KeyspaceSweep.Row r : rows) {
            if (Double.isNaN(r.medianNanos()) || (r.note() != null && !r.note().isEmpty())) {
                continue;
            }
            median.computeIfAbsent(r.impl(), k -> new XYSeries(k + " median")).add(r.keys(), r.medianNanos());
            p99.computeIfAbsent(r.impl(), k -> new XYSeries(k + " p99")).add(r.keys(), r.p99Nanos());
            if (!Double.isNaN(r.offHeapBytesPerKey())) {
                double perKey = r.offHeapBytesPerKey() + Math.max(0, r.heapBytesPerKey());
                bytes.computeIfAbsent(r.impl(), k -> new XYSeries(k + " heap + off-heap")).add(r.keys(), Math.max(perKey, 1));
            }
        }
        XYSeriesCollection latency = new XYSeriesCollection();
        median.values().forEach(latency::addSeries);
        p99.values().forEach(latency::addSeries);
        XYSeriesCollection memory = new XYSeriesCollection();
        bytes.values().forEach(memory::addSeries);

        int impls = median.size();
        XYLineAndShapeRenderer latencyRenderer = new XYLineAndShapeRenderer(true, true);
        XYLineAndShapeRenderer memoryRenderer = new XYLineAndShapeRenderer(true, true);
        Color[] palette = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2)};
        BasicStroke dashed = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 4f}, 0f);
        List<String> names = List.copyOf(median.keySet());
        for (int i = 0; i < impls; i++) {
            Color c = palette[i % palette.length];
            latencyRenderer.setSeriesPaint(i, c);
            latencyRenderer.setSeriesStroke(i, new BasicStroke(2f));
            latencyRenderer.setSeriesPaint(impls + i, c);
            latencyRenderer.setSeriesStroke(impls + i, dashed);
        }
        int m = 0;
        for (String impl : bytes.keySet()) {
            memoryRenderer.setSeriesPaint(m, palette[Math.max(0, names.indexOf(impl)) % palette.length]);
            memoryRenderer.setSeriesStroke(m++, new BasicStroke(2f));
        }

        LogAxis keys = logAxis("keys in the keyspace");
        LogAxis nanos = logAxis("ns per check (solid: median, dashed: p99 of 1,000-check batches)");
        LogAxis perKey = logAxis("bytes per key (heap + off-heap; where off-heap is known)");
        // A log axis cannot auto-range over one value (one size, or equal figures): give it a decade around it.
        widenIfSingleValue(keys, latency.getDomainLowerBound(false), latency.getDomainUpperBound(false));
        widenIfSingleValue(nanos, latency.getRangeLowerBound(false), latency.getRangeUpperBound(false));
        widenIfSingleValue(perKey, memory.getRangeLowerBound(false), memory.getRangeUpperBound(false));
        XYPlot top = new XYPlot(latency, null, nanos, latencyRenderer);
        XYPlot bottom = new XYPlot(memory, null, perKey, memoryRenderer);
        for (XYPlot p : new XYPlot[] {top, bottom}) {
            p.setBackgroundPaint(Color.WHITE);
            p.setDomainGridlinePaint(Color.LIGHT_GRAY);
            p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(keys);
        plot.add(top, 3);
        plot.add(bottom, 2);
        plot.setGap(12);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png, chart, 1100, 800);
    }
}
