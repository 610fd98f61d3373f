package dev.sluice.bench.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.bench.sweep.SweepChart.Axis;
import dev.sluice.bench.sweep.SweepChart.Measure;
import dev.sluice.bench.sweep.SweepChart.Point;
import dev.sluice.bench.sweep.SweepChart.Series;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the sweep's chart shows, from the sweep's rows. */
class SweepChartTest {
    private static KeyspaceSweep.Row row(String impl, long keys, double mean, double p99, double offHeap, double heap,
            String note) {
        return new KeyspaceSweep.Row(impl, keys, mean, p99, p99 * 2, offHeap, heap, 0, 0, 1.0, note);
    }

    private static final List<KeyspaceSweep.Row> SEVERAL_SIZES = List.of(
            row(KeyspaceSweep.FLOOR_IMPL, 1_000, 4.0, 9.0, 58.0, 0.0, ""),
            row(KeyspaceSweep.FLOOR_IMPL, 1_000_000, 150.0, 300.0, 56.0, 0.0, ""),
            row("sluice-store", 1_000, 36.0, 87.0, 58.0, 7.0, ""),
            row("sluice-store", 1_000_000, 315.0, 383.0, 56.0, 0.0, ""),
            row("sluice-fixed", 1_000, 76.0, 120.0, Double.NaN, 64.0, ""),
            row("onheap-fixed", 1_000, 32.0, 60.0, 0.0, 120.0, ""),
            row("onheap-fixed", 1_000_000, Double.NaN, Double.NaN, Double.NaN, Double.NaN, "out of memory"),
            row("bucket4j", 1_000_000, 1800.0, 2400.0, 0.0, 360.0, "200 checks failed in the backend"));

    @TempDir
    Path dir;

    private static Series series(List<Series> all, String name) {
        return all.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no series " + name + " in " + all));
    }

    @Test
    void latencyHasAMeanAndAP99LinePerImplementationWithCleanRows() {
        SweepChart.Data data = SweepChart.data(SEVERAL_SIZES, "t");
        assertEquals(List.of("memory-floor mean", "sluice-store mean", "sluice-fixed mean", "onheap-fixed mean",
                "memory-floor p99", "sluice-store p99", "sluice-fixed p99", "onheap-fixed p99"),
                data.latency().stream().map(Series::name).toList());
        assertEquals(new Series("sluice-store", Measure.MEAN, "sluice-store mean",
                List.of(new Point(1_000, 36.0), new Point(1_000_000, 315.0))), series(data.latency(), "sluice-store mean"));
        assertEquals(List.of(new Point(1_000, 9.0), new Point(1_000_000, 300.0)),
                series(data.latency(), "memory-floor p99").points());
    }

    @Test
    void rowsWithANoteAreLeftOut() {
        SweepChart.Data data = SweepChart.data(SEVERAL_SIZES, "t");
        assertEquals(List.of(new Point(1_000, 32.0)), series(data.latency(), "onheap-fixed mean").points());
        assertTrue(data.latency().stream().noneMatch(s -> s.impl().equals("bucket4j")), data.latency().toString());
    }

    @Test
    void memoryAddsHeapToOffHeapWhereOffHeapIsKnownAndLeavesTheFloorOut() {
        SweepChart.Data data = SweepChart.data(SEVERAL_SIZES, "t");
        assertEquals(List.of(
                new Series("sluice-store", Measure.BYTES_PER_KEY, "sluice-store heap + off-heap",
                        List.of(new Point(1_000, 65.0), new Point(1_000_000, 56.0))),
                new Series("onheap-fixed", Measure.BYTES_PER_KEY, "onheap-fixed heap + off-heap",
                        List.of(new Point(1_000, 120.0)))), data.memory());
    }

    @Test
    void axesRangeThemselvesOverSeveralValues() {
        SweepChart.Data data = SweepChart.data(SEVERAL_SIZES, "Keyspace sweep");
        assertEquals("Keyspace sweep", data.title());
        assertEquals(new Axis("keys in the keyspace", Double.NaN, Double.NaN), data.keys());
        assertFalse(data.nanos().fixed());
        assertFalse(data.bytesPerKey().fixed());
        assertTrue(data.nanos().label().startsWith("ns per request (solid: mean, dashed: p99"), data.nanos().label());
    }

    @Test
    void aLogAxisOverASingleValueSpansAThirdToThreeTimesIt() {
        List<KeyspaceSweep.Row> oneSize = List.of(
                row("sluice-store", 10_000_000, 360.0, 360.0, 56.0, 0.0, ""),
                row("sluice-store-token", 10_000_000, 360.0, 360.0, 56.0, 0.0, ""));
        SweepChart.Data data = SweepChart.data(oneSize, "t");
        assertEquals(10_000_000 / 3.0, data.keys().lower());
        assertEquals(30_000_000.0, data.keys().upper());
        assertEquals(120.0, data.nanos().lower());
        assertEquals(1080.0, data.nanos().upper());
        assertEquals(56.0 / 3, data.bytesPerKey().lower());
        assertEquals(168.0, data.bytesPerKey().upper());
    }

    @Test
    void rendersThePictureAtItsSize() throws Exception {
        File png = dir.resolve("sweep.png").toFile();
        SweepChart.write(SweepChart.data(SEVERAL_SIZES, "t"), png);
        BufferedImage image = ImageIO.read(png);
        assertEquals(1100, image.getWidth());
        assertEquals(800, image.getHeight());
    }
}
