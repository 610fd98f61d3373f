package dev.sluice.bench.report;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One entry of the JSON file JMH writes with {@code -rf json}, as far as the report reads it: Gson binds the
 * file to a list of these and skips the fields not named here. A field JMH did not write is {@code null}.
 * JMH writes a figure it does not have as {@code "NaN"} (a string), which Gson reads as a number.
 *
 * @param benchmark the benchmark method's full name, e.g. {@code dev.sluice.bench.jmh.SingleKeyBenchmark.check}
 * @param mode {@code thrpt}, {@code avgt}, {@code sample}, ...
 * @param forks forks run, {@code null} when the file does not say
 * @param measurementIterations measured iterations per fork, {@code null} when the file does not say
 * @param params the {@code @Param} values of this result
 * @param secondaryMetrics the profilers' figures by name, e.g. {@code gc.alloc.rate.norm}
 */
record JmhRun(String benchmark, String mode, int threads, Integer forks, String jdkVersion, String vmName,
        List<String> jvmArgs, Integer measurementIterations, Map<String, String> params, Metric primaryMetric,
        Map<String, Metric> secondaryMetrics) {
    private static final Gson GSON = new Gson();
    private static final TypeToken<List<JmhRun>> FILE = new TypeToken<>() { };

    /**
     * One figure of a result.
     *
     * @param scorePercentiles by percentile as JMH names it, {@code "50.0"}, {@code "99.0"}, ...
     * @param rawData each fork's measured iterations; absent in {@code sample} mode
     */
    record Metric(double score, String scoreUnit, Map<String, Double> scorePercentiles, List<List<Double>> rawData) {
    }

    /** @return the file's results in its order; none for an empty file (a run that wrote nothing) */
    static List<JmhRun> read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return List.of();
        }
        try {
            return GSON.fromJson(text, FILE);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + ": not a JMH JSON result file: " + e.getMessage(), e);
        }
    }

    /** @return the {@code @Param} values, none when the benchmark has no parameters */
    Map<String, String> paramsOrNone() {
        return params == null ? Map.of() : params;
    }
}
