package dev.sluice.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.bench.sweep.KeyspaceSweep;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The document written from a results folder: net figures, ratios to the best peer, commands. */
class BenchmarkReportTest {
    @TempDir
    Path dir;

    private static String jmh(String benchmark, String impl, String path, double nanos, double allocNorm) {
        return String.format(Locale.ROOT, """
                {"benchmark":"dev.sluice.bench.jmh.%s","mode":"avgt","threads":1,"forks":1,"jvmArgs":["-Xms2g"],
                 "jdkVersion":"25","vmName":"OpenJDK 64-Bit Server VM","measurementIterations":3,
                 "params":{"impl":"%s","path":"%s"},
                 "primaryMetric":{"score":%s,"scoreUnit":"ns/op","rawData":[[%s,%s,%s]]},
                 "secondaryMetrics":{"gc.alloc.rate.norm":{"score":%s}}}""", benchmark, impl, path, nanos,
                nanos - 1, nanos, nanos + 1, allocNorm);
    }

    private List<String> render(String... jsonObjects) throws Exception {
        Files.writeString(dir.resolve("single.json"), "[" + String.join(",", jsonObjects) + "]");
        Files.writeString(dir.resolve("single.cmd"), "./sluice jmh dev.sluice.bench.jmh.SingleKeyBenchmark -f 1 ");
        Path doc = dir.resolve("benchmarks.md");
        BenchmarkReport.main(new String[] {dir.toString(), doc.toString()});
        return Files.readAllLines(doc, StandardCharsets.UTF_8);
    }

    @Test
    void singleKeyTableHasNetFiguresAndTheRatioToTheBestPeer() throws Exception {
        List<String> doc = render(
                jmh("SingleKeyBenchmark.check", "baseline", "allowed", 10, 56),
                jmh("SingleKeyBenchmark.check", "sluice-fixed", "allowed", 60, 56),
                jmh("SingleKeyBenchmark.check", "onheap-fixed", "allowed", 20, 152),
                jmh("SingleKeyBenchmark.check", "bucket4j", "allowed", 30, 216));
        int head = doc.indexOf("### `allowed`: every request admitted (the counter is written)");
        assertTrue(head > 0, String.join("\n", doc));
        assertEquals(List.of(
                "| impl | ns | net ns | vs best peer | net vs best peer | B/op |",
                "|---|---:|---:|---:|---:|---:|",
                "| baseline | 10.0 |  |  |  | 56 |",
                "| sluice-fixed | 60.0 | 50.0 | **0.33×** | **0.20×** | 56 |",
                "| onheap-fixed | 20.0 | 10.0 | best peer |  | 152 |",
                "| bucket4j | 30.0 | 20.0 |  |  | 216 |"), doc.subList(head + 2, head + 8));
        assertTrue(doc.contains("./sluice jmh dev.sluice.bench.jmh.SingleKeyBenchmark -f 1"), "the table's command");
        assertTrue(doc.contains("- one key, allowed: sluice-fixed is 0.33× the speed of the best peer, onheap-fixed "
                + "(60.0 ns vs 20.0 ns; net 50.0 vs 10.0 ns, 0.20× net)"), String.join("\n", doc));
    }

    @Test
    void aSluiceRowAheadOfEveryPeerIsNotListedAsBehind() throws Exception {
        List<String> doc = render(
                jmh("SingleKeyBenchmark.check", "baseline", "blocked", 10, 56),
                jmh("SingleKeyBenchmark.check", "sluice-token", "blocked", 15, 56),
                jmh("SingleKeyBenchmark.check", "guava", "blocked", 20, 56));
        assertTrue(doc.contains("| sluice-token | 15.0 | 5.00 | 1.33× | 2.00× | 56 |"), String.join("\n", doc));
        assertTrue(doc.contains("In this run every Sluice row above is at least as fast as the best peer of its table."));
    }

    /**
     * The document from a checked-in results folder: JMH's own JSON (every table kind, the Redis benchmark's
     * throughput and sample modes), the commands, the sweep's CSV. {@code fixture/benchmarks.md} is what the
     * generator wrote from it; after a deliberate change to the document, write it again with
     * {@code java -cp bench/target/sluice.jar dev.sluice.bench.report.BenchmarkReport
     * bench/src/test/resources/dev/sluice/bench/report/fixture/results
     * bench/src/test/resources/dev/sluice/bench/report/fixture/benchmarks.md} and read the diff.
     */
    @Test
    void aResultsFolderRendersAsTheCheckedInDocument() throws Exception {
        Path fixture = Path.of(BenchmarkReportTest.class.getResource("fixture").toURI());
        Path doc = dir.resolve("benchmarks.md");
        BenchmarkReport.main(new String[] {fixture.resolve("results").toString(), doc.toString()});
        assertEquals(Files.readString(fixture.resolve("benchmarks.md"), StandardCharsets.UTF_8),
                Files.readString(doc, StandardCharsets.UTF_8));
    }

    @Test
    void ratiosKeepTwoDecimalsAndThreeBelowATenthBoldBelowOne() {
        assertEquals("1.50×", BenchmarkReport.ratio(1.5));
        assertEquals("**0.33×**", BenchmarkReport.ratio(1 / 3.0));
        assertEquals("**0.004×**", BenchmarkReport.ratio(0.0042));
        assertEquals("", BenchmarkReport.ratio(Double.NaN));
    }

    @Test
    void figuresKeepAtMostThreeSignificantDigitsBeforeWholeNumbers() {
        assertEquals("18985", BenchmarkReport.figure(18984.8));
        assertEquals("50.0", BenchmarkReport.figure(50));
        assertEquals("-0.50", BenchmarkReport.figure(-0.5));
        assertEquals("-207", BenchmarkReport.figure(-206.8));
    }

    @Test
    void whereTheTimeGoesGivesEachSizesFloorStoreAndLimiter() {
        List<KeyspaceSweep.Row> rows = new ArrayList<>();
        rows.add(new KeyspaceSweep.Row("memory-floor", 1_000, 4, 8, 12, 58, 0, 0, 0, 1, ""));
        rows.add(new KeyspaceSweep.Row("sluice-store", 1_000, 36, 80, 120, 58, 0, 0, 0, 1, ""));
        rows.add(new KeyspaceSweep.Row("sluice-fixed", 1_000, 80, 120, 300, 88, 0, 0, 0, 1, ""));
        rows.add(new KeyspaceSweep.Row("memory-floor", 1_000_000, 150, 300, 400, 56, 0, 0, 0, 1, ""));
        rows.add(new KeyspaceSweep.Row("sluice-store", 1_000_000, 330, 600, 900, 56, 0, 0, 0, 1, ""));
        assertEquals("1,000 keys: floor 4 ns, store 36 ns (9.0×), limiter 80 ns (20.0×); "
                + "1,000,000 keys: floor 150 ns, store 330 ns (2.2×)", BenchmarkReport.whereTheTimeGoes(rows));
    }
}
