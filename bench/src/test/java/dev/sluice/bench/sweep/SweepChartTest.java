package dev.sluice.bench.sweep;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The sweep's chart is drawn for any set of rows, one keyspace size and equal figures included. */
class SweepChartTest {
    @TempDir
    Path dir;

    static Stream<Arguments> sweeps() {
        return Stream.of(
                Arguments.of("one size, equal bytes per key", List.of(
                        new KeyspaceSweep.Row("sluice-store", 10_000_000, 360.9, 433.1, 56.0, 0.0, 1, 0, 10.6, ""),
                        new KeyspaceSweep.Row("sluice-store-token", 10_000_000, 380.2, 450.0, 56.0, 0.0, 1, 0, 10.1, ""))),
                Arguments.of("several sizes", List.of(
                        new KeyspaceSweep.Row("sluice-store", 1_000, 36.0, 87.3, 58.0, 7.0, 0, 0, 0.1, ""),
                        new KeyspaceSweep.Row("sluice-store", 1_000_000, 315.3, 382.9, 56.0, 0.0, 0, 0, 2.0, ""))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sweeps")
    void chartIsDrawn(String name, List<KeyspaceSweep.Row> rows) throws Exception {
        File png = dir.resolve("sweep.png").toFile();
        SweepChart.write(rows, png, name);
        assertTrue(Files.size(png.toPath()) > 1000, "chart written");
    }
}
