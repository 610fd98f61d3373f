package dev.sluice.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerComparisonTest {
    static JmhResult result(String impl, String mode, double median, String unit) {
        return new JmhResult("B.m", mode, 1, Map.of("impl", impl), median, median, median, unit, 0, "25", "vm", "",
                3, 3, "single");
    }

    private static Map<String, JmhResult> column(String mode, String unit, Object... implAndFigure) {
        Map<String, JmhResult> m = new LinkedHashMap<>();
        for (int i = 0; i < implAndFigure.length; i += 2) {
            String impl = (String) implAndFigure[i];
            m.put(impl, implAndFigure[i + 1] == null ? null : result(impl, mode, (Double) implAndFigure[i + 1], unit));
        }
        return m;
    }

    private static PeerComparison.Row row(PeerComparison c, String impl) {
        return c.rows().stream().filter(r -> r.impl().equals(impl)).findFirst().orElseThrow();
    }

    @Test
    void netIsTheFigureLessTheBaselines() {
        PeerComparison c = PeerComparison.of(column("avgt", "ns/op",
                "baseline", 10.0, "sluice-fixed", 60.0, "onheap-fixed", 20.0, "bucket4j", 30.0));
        assertEquals(50.0, row(c, "sluice-fixed").netNanos());
        assertEquals(10.0, row(c, "onheap-fixed").netNanos());
        assertEquals(20.0, row(c, "bucket4j").netNanos());
        assertTrue(Double.isNaN(row(c, "baseline").netNanos()));
    }

    @Test
    void sluiceRowsAreComparedWithTheFastestPeerOnRawAndNetFigures() {
        PeerComparison c = PeerComparison.of(column("avgt", "ns/op",
                "baseline", 10.0, "sluice-fixed", 60.0, "sluice-token", 15.0, "onheap-fixed", 20.0, "bucket4j", 30.0));
        assertEquals("onheap-fixed", c.best().impl());
        assertTrue(row(c, "onheap-fixed").bestPeer());
        assertFalse(row(c, "bucket4j").bestPeer());
        assertEquals(20.0 / 60, row(c, "sluice-fixed").vsBestPeer(), 1e-12);
        assertEquals(10.0 / 50, row(c, "sluice-fixed").netVsBestPeer(), 1e-12);
        assertEquals(20.0 / 15, row(c, "sluice-token").vsBestPeer(), 1e-12);
        assertEquals(10.0 / 5, row(c, "sluice-token").netVsBestPeer(), 1e-12);
        assertTrue(Double.isNaN(row(c, "bucket4j").vsBestPeer()), "peers get no ratio");
    }

    @Test
    void theBaselineIsNeverTheBestPeer() {
        PeerComparison c = PeerComparison.of(column("avgt", "ns/op", "baseline", 1.0, "sluice-fixed", 60.0, "guava", 40.0));
        assertEquals("guava", c.best().impl());
    }

    @Test
    void throughputIsComparedAsTimePerOperationOfAllThreads() {
        PeerComparison c = PeerComparison.of(column("thrpt", "ops/us",
                "baseline", 100.0, "sluice-token", 20.0, "guava", 25.0, "bucket4j", 10.0));
        assertEquals("guava", c.best().impl());
        assertEquals(50.0, row(c, "sluice-token").nanosPerOp(), 1e-12);
        assertEquals(40.0, row(c, "sluice-token").netNanos(), 1e-12);
        assertEquals(20.0 / 25, row(c, "sluice-token").vsBestPeer(), 1e-12);
        assertEquals(30.0 / 40, row(c, "sluice-token").netVsBestPeer(), 1e-12);
    }

    @Test
    void noNetRatioWhenANetFigureIsNotAboveZero() {
        PeerComparison c = PeerComparison.of(column("avgt", "ns/op",
                "baseline", 10.0, "sluice-fixed", 40.0, "agrona-fixed", 9.5));
        assertEquals(-0.5, row(c, "agrona-fixed").netNanos(), 1e-12);
        assertEquals(9.5 / 40, row(c, "sluice-fixed").vsBestPeer(), 1e-12);
        assertTrue(Double.isNaN(row(c, "sluice-fixed").netVsBestPeer()));
    }

    @Test
    void withoutABaselineThereIsNoNetButStillARatio() {
        PeerComparison c = PeerComparison.of(column("avgt", "ns/op", "sluice-fixed", 40.0, "guava", 20.0));
        assertTrue(Double.isNaN(row(c, "sluice-fixed").netNanos()));
        assertEquals(0.5, row(c, "sluice-fixed").vsBestPeer());
    }

    @Test
    void missingResultsAreRowsWithoutFigures() {
        PeerComparison c = PeerComparison.of(column("avgt", "ns/op", "sluice-fixed", null, "guava", null));
        assertNull(c.best());
        assertEquals(List.of("sluice-fixed", "guava"), c.rows().stream().map(PeerComparison.Row::impl).toList());
        assertTrue(Double.isNaN(row(c, "sluice-fixed").vsBestPeer()));
    }
}
