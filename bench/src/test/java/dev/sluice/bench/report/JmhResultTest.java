package dev.sluice.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the JSON that JMH writes with {@code -rf json}. */
class JmhResultTest {
    @TempDir
    Path dir;

    private List<JmhResult> read(String json) throws Exception {
        Path file = dir.resolve("single.json");
        Files.writeString(file, json);
        return JmhResult.read(file);
    }

    @Test
    void readsWhatJmhWrites() throws Exception {
        List<JmhResult> results = read("""
                [{"jmhVersion":"1.37","benchmark":"dev.sluice.bench.jmh.SingleKeyBenchmark.check","mode":"avgt",
                  "threads":1,"forks":2,"jvmArgs":["-Xms2g","-Dname=q\\"\\u00e9"],"jdkVersion":"25.0.3",
                  "vmName":"OpenJDK 64-Bit Server VM","measurementIterations":3,"params":{"impl":"guava","path":"allowed"},
                  "primaryMetric":{"score":1.5e1,"scoreError":"NaN","scoreUnit":"ns/op","rawData":[[12,15,-3],[20,16,14]]},
                  "secondaryMetrics":{"gc.alloc.rate.norm":{"score":56.0,"scoreError":NaN,"scoreUnit":"B/op"},
                  "gc.count":{"score":2.0,"scoreError":"NaN"}}}]""");
        JmhResult r = results.get(0);
        assertEquals("SingleKeyBenchmark.check", r.benchmark());
        assertEquals(Map.of("impl", "guava", "path", "allowed"), r.params());
        assertEquals(14.5, r.median());
        assertEquals(-3.0, r.min());
        assertEquals(20.0, r.max());
        assertEquals(56.0, r.allocNorm());
        assertEquals("-Xms2g -Dname=q\"é", r.jvmArgs());
        assertEquals(6, r.samples());
        assertEquals(6, r.expectedSamples());
        assertEquals("25.0.3", r.jdk());
        assertEquals("single", r.source());
    }

    @Test
    void aResultWithoutProfilerOrParametersHasNoAllocationAndNoParams() throws Exception {
        JmhResult r = read("""
                [{"benchmark":"dev.sluice.bench.jmh.FloorBenchmark.atomicCasShared","mode":"thrpt","threads":2,
                  "primaryMetric":{"score":100,"scoreUnit":"ops/us","rawData":[[100,101]]}}]""").get(0);
        assertTrue(Double.isNaN(r.allocNorm()));
        assertEquals(Map.of(), r.params());
        assertEquals(2, r.expectedSamples(), "without measurementIterations, the samples found");
    }

    @Test
    void anEmptyFileHasNoResults() throws Exception {
        assertEquals(List.of(), read("\n"));
    }

    @Test
    void aFileThatIsNotJsonIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read("[{}] x"));
        assertTrue(e.getMessage().startsWith(dir.resolve("single.json") + ": not a JMH JSON result file"), e.getMessage());
    }
}
