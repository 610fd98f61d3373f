package dev.sluice.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JMH result as the report uses it: the median of its measured iterations, their range, and its allocation
 * per operation, with the results file it came from ({@code source}: the file name without {@code .json}).
 */
record JmhResult(String benchmark, String mode, int threads, Map<String, String> params, double median,
        double min, double max, String unit, double allocNorm, String jdk, String vm, String jvmArgs, int samples,
        int expectedSamples, String source) {

    String param(String name) {
        return params.getOrDefault(name, "");
    }

    String impl() {
        return param("impl");
    }

    /** Throughput in operations per microsecond, or time in ns per operation. */
    double normalised() {
        return switch (unit) {
            case "ops/ns" -> median * 1000;
            case "ops/ms" -> median / 1000;
            case "ops/s" -> median / 1e6;
            case "us/op" -> median * 1000;
            default -> median;
        };
    }

    boolean throughput() {
        return mode.equals("thrpt");
    }

    /**
     * @return ns per operation: the time of one for average-time results; for throughput, the inverse of all
     *     threads' operations together ({@code 1000 / ops per µs}), the wall time the threads take per operation
     */
    double nanosPerOp() {
        return throughput() ? 1000 / normalised() : normalised();
    }

    /** Reads a JMH {@code -rf json} file. */
    @SuppressWarnings("unchecked")
    static List<JmhResult> read(Path file) throws IOException {
        List<JmhResult> out = new ArrayList<>();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return out;
        }
        String name = file.getFileName().toString();
        String source = name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
        for (Object o : (List<Object>) Json.parse(text)) {
            Map<String, Object> m = (Map<String, Object>) o;
            String full = (String) m.get("benchmark");
            String[] parts = full.split("\\.");
            String shortName = parts[parts.length - 2] + "." + parts[parts.length - 1];
            Map<String, String> params = new LinkedHashMap<>();
            if (m.get("params") instanceof Map<?, ?> p) {
                p.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
            }
            Map<String, Object> primary = (Map<String, Object>) m.get("primaryMetric");
            List<Double> raw = new ArrayList<>();
            for (Object fork : (List<Object>) primary.get("rawData")) {
                for (Object v : (List<Object>) fork) {
                    raw.add(((Number) v).doubleValue());
                }
            }
            double[] sorted = raw.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = sorted.length == 0 ? Double.NaN : sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            double alloc = Double.NaN;
            if (m.get("secondaryMetrics") instanceof Map<?, ?> secondary
                    && secondary.get("gc.alloc.rate.norm") instanceof Map<?, ?> norm
                    && norm.get("score") instanceof Number n) {
                alloc = n.doubleValue();
            }
            List<Object> jvmArgs = m.get("jvmArgs") instanceof List<?> l ? (List<Object>) l : List.of();
            out.add(new JmhResult(shortName, (String) m.get("mode"), ((Number) m.get("threads")).intValue(), params,
                    median, sorted.length == 0 ? Double.NaN : sorted[0],
                    sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1], (String) primary.get("scoreUnit"),
                    alloc, String.valueOf(m.get("jdkVersion")), String.valueOf(m.get("vmName")),
                    String.join(" ", jvmArgs.stream().map(String::valueOf).toList()), sorted.length,
                    ((Number) m.getOrDefault("measurementIterations", (double) sorted.length)).intValue()
                            * ((Number) m.getOrDefault("forks", 1.0)).intValue(), source));
        }
        return out;
    }
}
