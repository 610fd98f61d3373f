package dev.sluice.bench.sweep;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep's chart is drawn for any set of rows, one keyspace size and equal figures included. */
class SweepChartTest {
    @TempDir
    Path dir;

    @Test
    void oneSizeWithEqualBytesPerKeyIsDrawn() throws Exception {
        File png = dir.resolve("one.png").toFile();
        SweepChart.write(List.of(
                new KeyspaceSweep.Row("sluice-store", 10_000_000, 360.9, 433.1, 56.0, 0.0, 1, 0, 10.6, ""),
                new KeyspaceSweep.Row("sluice-store-token", 10_000_000, 380.2, 450.0, 56.0, 0.0, 1, 0, 10.1, "")),
                png, "one size");
        assertTrue(Files.size(png.toPath()) > 1000, "chart written");
    }

    @Test
    void severalSizesAreDrawn() throws Exception {
        File png = dir.resolve("several.png").toFile();
        SweepChart.write(List.of(
                new KeyspaceSweep.Row("sluice-store", 1_000, 36.0, 87.3, 58.0, 7.0, 0, 0, 0.1, ""),
                new KeyspaceSweep.Row("sluice-store", 1_000_000, 315.3, 382.9, 56.0, 0.0, 0, 0, 2.0, "")),
                png, "several sizes");
        assertTrue(Files.size(png.toPath()) > 1000, "chart written");
    }
}
