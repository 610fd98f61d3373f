package dev.sluice.bench.report;

import java.io.IOException;
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
    static List<JmhResult> read(Path file) throws IOException {
        List<JmhResult> out = new ArrayList<>();
        String name = file.getFileName().toString();
        String source = name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
        for (JmhRun run : JmhRun.read(file)) {
            String[] parts = run.benchmark().split("\\.");
            String shortName = parts[parts.length - 2] + "." + parts[parts.length - 1];
            List<Double> raw = new ArrayList<>();
            for (List<Double> fork : run.primaryMetric().rawData()) {
                raw.addAll(fork);
            }
            double[] sorted = raw.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = sorted.length == 0 ? Double.NaN : sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            double alloc = Double.NaN;
            JmhRun.Metric norm = run.secondaryMetrics() == null ? null : run.secondaryMetrics().get("gc.alloc.rate.norm");
            if (norm != null) {
                alloc = norm.score();
            }
            List<String> jvmArgs = run.jvmArgs() == null ? List.of() : run.jvmArgs();
            int iterations = run.measurementIterations() == null ? sorted.length : run.measurementIterations();
            int forks = run.forks() == null ? 1 : run.forks();
            out.add(new JmhResult(shortName, run.mode(), run.threads(), new LinkedHashMap<>(run.paramsOrNone()), median,
                    sorted.length == 0 ? Double.NaN : sorted[0], sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1],
                    run.primaryMetric().scoreUnit(), alloc, String.valueOf(run.jdkVersion()), String.valueOf(run.vmName()),
                    String.join(" ", jvmArgs), sorted.length, iterations * forks, source));
        }
        return out;
    }
}
