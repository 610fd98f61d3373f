package dev.sluice.bench.report;

import dev.sluice.bench.peers.Impl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes {@code docs/benchmarks.md} from a results folder: the JMH JSON files ({@code -rf json}), the sweep's
 * {@code sweep/sweep.md} and {@code sweep/sweep.png}, and {@code run-info.md} (date, machine, commands), all
 * written by {@code bench/scripts/run-benchmarks.sh}, and the Redis benchmark's folder {@code redis/} when it
 * exists ({@link RedisReport}). Nothing in the figures section is typed by hand. When the folder holds only Redis
 * results (no other JMH JSON, no {@code run-info.md}), the existing document is kept and only its Redis section
 * is replaced.
 *
 * <p>Usage: {@code java -cp sluice.jar dev.sluice.bench.report.BenchmarkReport RESULTS_DIR DOC_PATH}
 */
public final class BenchmarkReport {
    /** One JMH result: the median of its measured iterations, their range, and its allocation per operation. */
    record Result(String benchmark, String mode, int threads, Map<String, String> params, double median,
            double min, double max, String unit, double allocNorm, String jdk, String vm, String jvmArgs, int samples,
            int expectedSamples) {
        String param(String name) {
            return params.getOrDefault(name, "");
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
    }

    private final List<Result> results;
    private final List<String> behind = new ArrayList<>();

    private BenchmarkReport(List<Result> results) {
        this.results = results;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: BenchmarkReport RESULTS_DIR DOC_PATH");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Path doc = Path.of(args[1]);
        List<Result> results = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                results.addAll(read(f));
            }
        }
        if (results.isEmpty() && !Files.exists(dir.resolve("run-info.md")) && Files.exists(doc)) {
            // Only the Redis benchmark's results (bench/scripts/run-benchmarks.sh --redis on a fresh results
            // folder): keep the document's other figures as they are and replace its Redis section.
            RedisReport redis = RedisReport.read(dir);
            if (redis == null) {
                System.err.println("no JMH results in " + dir + "; " + doc + " left as it is");
                System.exit(1);
            }
            Files.writeString(doc, RedisReport.splice(Files.readString(doc, StandardCharsets.UTF_8), redis.section()),
                    StandardCharsets.UTF_8);
            System.out.println("rewrote the Redis section of " + doc + " from " + dir.resolve("redis")
                    + "; its other figures are kept");
            return;
        }
        String text = new BenchmarkReport(results).render(dir, doc);
        Files.writeString(doc, text, StandardCharsets.UTF_8);
        System.out.println("wrote " + doc + " from " + results.size() + " JMH results in " + dir);
    }

    @SuppressWarnings("unchecked")
    static List<Result> read(Path file) throws IOException {
        List<Result> out = new ArrayList<>();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return out;
        }
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
            out.add(new Result(shortName, (String) m.get("mode"), ((Number) m.get("threads")).intValue(), params,
                    median, sorted.length == 0 ? Double.NaN : sorted[0],
                    sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1], (String) primary.get("scoreUnit"),
                    alloc, String.valueOf(m.get("jdkVersion")), String.valueOf(m.get("vmName")),
                    String.join(" ", jvmArgs.stream().map(String::valueOf).toList()), sorted.length,
                    ((Number) m.getOrDefault("measurementIterations", (double) sorted.length)).intValue()
                            * ((Number) m.getOrDefault("forks", 1.0)).intValue()));
        }
        return out;
    }

    /** Which Sluice variant a row is compared with: the same algorithm, or the token bucket for peers that have only one. */
    static String matchedSluice(String impl) {
        return switch (impl) {
            case "onheap-fixed", "agrona-fixed" -> "sluice-fixed";
            case "onheap-sliding" -> "sluice-sliding";
            case "onheap-token", "bucket4j", "resilience4j", "guava" -> "sluice-token";
            default -> null;
        };
    }

    private Result find(String benchmark, int threads, String mode, Map<String, String> params) {
        for (Result r : results) {
            if (r.benchmark().equals(benchmark) && r.threads() == threads && r.mode().equals(mode)
                    && params.entrySet().stream().allMatch(e -> e.getValue().equals(r.param(e.getKey())))) {
                return r;
            }
        }
        return null;
    }

    /** How many times faster Sluice is than {@code peer}: below 1 means slower. */
    static double speedUp(Result sluice, Result peer) {
        if (sluice == null || peer == null) {
            return Double.NaN;
        }
        return sluice.throughput() ? sluice.normalised() / peer.normalised() : peer.normalised() / sluice.normalised();
    }

    private String ratioCell(String table, String column, Result sluice, Result peer, String impl) {
        double s = speedUp(sluice, peer);
        if (Double.isNaN(s)) {
            return "";
        }
        if (s < 1) {
            behind.add(String.format(Locale.ROOT, "%s, %s: %s is %.2f× the speed of %s (%s vs %s)", table, column,
                    sluice.param("impl").isEmpty() ? "Sluice" : sluice.param("impl"), s, impl, fmt(sluice), fmt(peer)));
        }
        return String.format(Locale.ROOT, s < 1 ? "**%.2f×**" : "%.2f×", s);
    }

    private static String fmt(Result r) {
        if (r == null) {
            return "";
        }
        return r.throughput() ? String.format(Locale.ROOT, "%.1f ops/µs", r.normalised())
                : String.format(Locale.ROOT, "%.1f ns", r.normalised());
    }

    private static String alloc(Result r) {
        if (r == null || Double.isNaN(r.allocNorm())) {
            return "";
        }
        return r.allocNorm() < 0.5 ? "0" : String.format(Locale.ROOT, "%.0f", r.allocNorm());
    }

    private List<String> impls(String benchmark) {
        Set<String> present = new LinkedHashSet<>();
        for (Impl i : Impl.values()) {
            for (Result r : results) {
                if (r.benchmark().equals(benchmark) && r.param("impl").equals(i.id())) {
                    present.add(i.id());
                }
            }
        }
        return new ArrayList<>(present);
    }

    String render(Path dir, Path doc) throws IOException {
        StringBuilder b = new StringBuilder();
        Path info = dir.resolve("run-info.md");
        b.append("# Benchmarks\n\n");
        b.append("<!-- Generated by bench/scripts/run-benchmarks.sh from the JMH JSON and the sweep's output; ")
                .append("edit the generator (dev.sluice.bench.report.BenchmarkReport), not this file. -->\n\n");
        b.append(METHOD);
        if (Files.exists(info)) {
            b.append(Files.readString(info, StandardCharsets.UTF_8)).append('\n');
        }
        if (!results.isEmpty()) {
            Result any = results.get(0);
            b.append("JVM of the forks: ").append(any.vm()).append(' ').append(any.jdk()).append(".\n\n");
        }
        b.append("## How to read the tables\n\n");
        b.append("Each figure is the **median** of the measured iterations of one fork (range in the raw JSON). ")
                .append("The **speed-up** columns compare, within the same run, a row with the Sluice variant of the same ")
                .append("algorithm (the token bucket for Bucket4j, Resilience4j and Guava, which have no windows): ")
                .append("peer time ÷ Sluice time, or Sluice throughput ÷ peer throughput. Above 1× Sluice is faster; ")
                .append("**bold** below 1× marks where it is slower. **B/op** is JMH's `gc.alloc.rate.norm` ")
                .append("(`-prof gc`): heap bytes allocated per check. On two cores, read the thread benchmarks as ")
                .append("ratios within a run, never as absolute times. **†** marks a figure from fewer iterations ")
                .append("than configured: the others failed, which for Sluice means its backend failed open during them ")
                .append("(table full or memory budget spent), so they measured no decision and were dropped; an empty cell had no clean iteration at all.\n\n");
        if (results.isEmpty()) {
            b.append("## Results\n\nNo JMH results in `").append(dir).append("` yet: run `bench/scripts/run-benchmarks.sh`.\n\n");
        } else {
            singleKey(b);
            threeDimensions(b);
            randomKeys(b);
            floorSingle(b);
            storeAlone(b);
            contention(b);
        }
        sweep(b, dir, doc);
        RedisReport redis = RedisReport.read(dir);
        if (redis != null) {
            b.append(redis.section());
            behind.addAll(redis.behind());
        }
        b.append("## Where Sluice is not ahead\n\n");
        if (behind.isEmpty()) {
            b.append("In this run every comparison above has a speed-up of at least 1×.\n\n");
        } else {
            b.append("Every comparison in this run with a speed-up below 1×:\n\n");
            for (String line : behind) {
                b.append("- ").append(line).append('\n');
            }
            b.append('\n');
        }
        b.append(WHY);
        return b.toString();
    }

    private void singleKey(StringBuilder b) {
        String bench = "SingleKeyBenchmark.check";
        List<String> impls = impls(bench);
        if (impls.isEmpty()) {
            return;
        }
        b.append("## One key, one thread (`SingleKeyBenchmark`)\n\n");
        b.append("ns per check, lower is better. `allowed`: every request admitted (the counter is written); ")
                .append("`blocked`: every request refused.\n\n");
        b.append("| impl | allowed ns | speed-up | B/op | blocked ns | speed-up | B/op |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (String impl : impls) {
            Result a = find(bench, 1, "avgt", Map.of("impl", impl, "path", "allowed"));
            Result k = find(bench, 1, "avgt", Map.of("impl", impl, "path", "blocked"));
            String m = matchedSluice(impl);
            String ra = m == null ? "" : ratioCell("one key, allowed", "vs " + impl,
                    find(bench, 1, "avgt", Map.of("impl", m, "path", "allowed")), a, impl);
            String rk = m == null ? "" : ratioCell("one key, blocked", "vs " + impl,
                    find(bench, 1, "avgt", Map.of("impl", m, "path", "blocked")), k, impl);
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", impl, num(a), ra, alloc(a),
                    num(k), rk, alloc(k)));
        }
        b.append('\n');
    }

    private void threeDimensions(StringBuilder b) {
        String bench = "ThreeDimensionBenchmark.check";
        List<String> impls = impls(bench);
        if (impls.isEmpty()) {
            return;
        }
        b.append("## User, tenant and tool in one check (`ThreeDimensionBenchmark`)\n\n");
        b.append("ns per request (three dimensions charged), admitted path, 1,000 users in 10 tenants over 5 tools.\n\n");
        b.append("| impl | ns | speed-up | B/op |\n|---|---:|---:|---:|\n");
        for (String impl : impls) {
            Result r = find(bench, 1, "avgt", Map.of("impl", impl));
            String m = matchedSluice(impl);
            String ratio = m == null ? "" : ratioCell("three dimensions", "vs " + impl,
                    find(bench, 1, "avgt", Map.of("impl", m)), r, impl);
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", impl, num(r), ratio, alloc(r)));
        }
        b.append('\n');
    }

    private void randomKeys(StringBuilder b) {
        String bench = "RandomKeysBenchmark.check";
        List<String> impls = impls(bench);
        if (impls.isEmpty()) {
            return;
        }
        Set<Integer> keys = new TreeSet<>();
        Set<String> dists = new TreeSet<>();
        for (Result r : results) {
            if (r.benchmark().equals(bench)) {
                keys.add(Integer.parseInt(r.param("keys")));
                dists.add(r.param("distribution"));
            }
        }
        b.append("## Random keys over a keyspace (`RandomKeysBenchmark`)\n\n");
        b.append("ns per check, one thread, every key charged once before measuring (uniform: admitted path; Zipf: ")
                .append("a mix, see Method); each cell is ")
                .append("`ns (speed-up) B/op`.\n\n");
        List<String[]> cols = new ArrayList<>();
        StringBuilder head = new StringBuilder("| impl |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String d : dists) {
            for (int k : keys) {
                cols.add(new String[] {Integer.toString(k), d});
                head.append(String.format(Locale.ROOT, " %,d %s |", k, d));
                rule.append("---:|");
            }
        }
        b.append(head).append('\n').append(rule).append('\n');
        for (String impl : impls) {
            b.append("| ").append(impl).append(" |");
            for (String[] c : cols) {
                Map<String, String> p = Map.of("impl", impl, "keys", c[0], "distribution", c[1]);
                Result r = find(bench, 1, "avgt", p);
                String m = matchedSluice(impl);
                String ratio = "";
                if (r == null && impl.startsWith("sluice-")) {
                    behind.add(String.format(Locale.ROOT, "random keys, %s keys %s: %s has no result; every iteration "
                            + "failed because its backend failed open (the log of this run says why, e.g. table full)",
                            c[0], c[1], impl));
                }
                if (m != null && r != null) {
                    ratio = ratioCell(String.format(Locale.ROOT, "random keys, %s keys %s", c[0], c[1]), "vs " + impl,
                            find(bench, 1, "avgt", Map.of("impl", m, "keys", c[0], "distribution", c[1])), r, impl);
                }
                b.append(' ').append(r == null ? "" : num(r) + (ratio.isEmpty() ? "" : " (" + ratio + ")")
                        + (alloc(r).isEmpty() ? "" : " " + alloc(r) + " B"))
                        .append(" |");
            }
            b.append('\n');
        }
        b.append('\n');
    }

    private void floorSingle(StringBuilder b) {
        List<String> methods = List.of("atomicCasShared", "segmentCasShared");
        List<Result> rows = new ArrayList<>();
        for (String m : methods) {
            Result r = find("FloorBenchmark." + m, 1, "avgt", Map.of());
            if (r != null) {
                rows.add(r);
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        b.append("## The floor, one thread (`FloorBenchmark`)\n\n");
        b.append("One volatile read and one compare-and-set, no key, no time, no decision: what any counter costs at least.\n\n");
        b.append("| operation | ns | B/op |\n|---|---:|---:|\n");
        for (Result r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", r.benchmark(), num(r), alloc(r)));
        }
        b.append('\n');
    }

    /** The off-heap store without the engine, against one raw segment CAS measured in the same JMH run. */
    private void storeAlone(StringBuilder b) {
        Result cas = find("RawCasBenchmark.rawSegmentCas", 1, "avgt", Map.of());
        List<Result> rows = new ArrayList<>();
        for (Result r : results) {
            if (r.benchmark().startsWith("StoreAcquireBenchmark.") && r.threads() == 1 && r.mode().equals("avgt")) {
                rows.add(r);
            }
        }
        if (cas == null || rows.isEmpty()) {
            return;
        }
        b.append("## The store alone, one thread (`StoreAcquireBenchmark`, `RawCasBenchmark`)\n\n");
        b.append("`KeyedStore.acquire` on one 19-byte key (`tenant:acme:user:42`) with its bytes already in a `KeyBuffer`: ")
                .append("hash, index probe, key comparison, state transition. No identity normalisation, key building or ")
                .append("decision, which the single-key table above adds. The ratio is to one raw `MemorySegment` CAS ")
                .append("(`RawCasBenchmark`, an acquire read and a compare-and-set) measured in the same JMH run: ")
                .append(num(cas)).append(" ns, ").append(alloc(cas)).append(" B/op.\n\n");
        b.append("| path | algorithm | ns | × raw CAS | B/op |\n|---|---|---:|---:|---:|\n");
        for (Result r : rows) {
            double ratio = r.normalised() / cas.normalised();
            String path = r.benchmark().substring("StoreAcquireBenchmark.".length());
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f× | %s |%n", path, r.param("algorithm"), num(r), ratio,
                    alloc(r)));
            if (ratio > 3 && path.equals("singleKeyAllowed")) {
                behind.add(String.format(Locale.ROOT, "store alone, %s %s: %.1f× one raw segment CAS (%s vs %s ns); the "
                        + "target is 3×", path, r.param("algorithm"), ratio, num(r), num(cas)));
            }
        }
        b.append('\n');
    }

    private void contention(StringBuilder b) {
        Set<Integer> threads = new TreeSet<>();
        for (Result r : results) {
            if (r.benchmark().startsWith("ContentionBenchmark.")) {
                threads.add(r.threads());
            }
        }
        if (threads.isEmpty()) {
            return;
        }
        List<String> impls = impls("ContentionBenchmark.sharedKey");
        b.append("## Threads on one shared key and on a key each (`ContentionBenchmark`)\n\n");
        b.append("Throughput of all threads together in operations per µs, higher is better; system clock, limit ")
                .append("1,000,000/s per key, so on the shared key most requests are refused once a second's million is ")
                .append("used. The machine has two cores: with 4 and 8 threads they take turns.\n\n");
        for (int t : threads) {
            b.append("### ").append(t).append(" threads\n\n");
            b.append("| impl | shared key ops/µs | speed-up | B/op | key per thread ops/µs | speed-up | B/op |\n")
                    .append("|---|---:|---:|---:|---:|---:|---:|\n");
            for (String impl : impls) {
                Result s = find("ContentionBenchmark.sharedKey", t, "thrpt", Map.of("impl", impl));
                Result d = find("ContentionBenchmark.distinctKeys", t, "thrpt", Map.of("impl", impl));
                String m = matchedSluice(impl);
                String rs = m == null ? "" : ratioCell(t + " threads, shared key", "vs " + impl,
                        find("ContentionBenchmark.sharedKey", t, "thrpt", Map.of("impl", m)), s, impl);
                String rd = m == null ? "" : ratioCell(t + " threads, key per thread", "vs " + impl,
                        find("ContentionBenchmark.distinctKeys", t, "thrpt", Map.of("impl", m)), d, impl);
                b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", impl, num(s), rs, alloc(s),
                        num(d), rd, alloc(d)));
            }
            for (String[] floor : new String[][] {{"AtomicLong CAS (floor)", "atomicCas"}, {"MemorySegment CAS (floor)", "segmentCas"}}) {
                Result s = find("FloorBenchmark." + floor[1] + "Shared", t, "thrpt", Map.of());
                Result d = find("FloorBenchmark." + floor[1] + "Distinct", t, "thrpt", Map.of());
                if (s != null || d != null) {
                    b.append(String.format(Locale.ROOT, "| %s | %s |  | %s | %s |  | %s |%n", floor[0], num(s), alloc(s),
                            num(d), alloc(d)));
                }
            }
            b.append('\n');
        }
    }

    private static void sweep(StringBuilder b, Path dir, Path doc) throws IOException {
        b.append("## Keyspace sweep (`sluice sweep`)\n\n");
        Path md = dir.resolve("sweep").resolve("sweep.md");
        Path png = dir.resolve("sweep").resolve("sweep.png");
        Path info = dir.resolve("sweep").resolve("sweep-info.md");
        if (!Files.exists(md)) {
            b.append("No sweep output in `").append(dir.resolve("sweep")).append("` yet.\n\n");
            return;
        }
        b.append(SWEEP_METHOD);
        if (Files.exists(info)) {
            b.append(Files.readString(info, StandardCharsets.UTF_8)).append('\n');
        }
        b.append(Files.readString(md, StandardCharsets.UTF_8)).append('\n');
        Path csv = dir.resolve("sweep").resolve("sweep.csv");
        if (Files.exists(csv)) {
            Map<Long, double[]> split = new java.util.TreeMap<>();
            for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
                String[] f = line.split(",");
                if (f.length < 3 || !(f[0].equals("sluice-store") || f[0].equals("sluice-fixed"))
                        || line.contains("failed") || f[2].equals("NaN")) {
                    continue;
                }
                double[] pair = split.computeIfAbsent(Long.parseLong(f[1]), k -> new double[] {Double.NaN, Double.NaN});
                pair[f[0].equals("sluice-store") ? 0 : 1] = Double.parseDouble(f[2]);
            }
            StringBuilder where = new StringBuilder();
            split.forEach((keys, pair) -> {
                if (!Double.isNaN(pair[0]) && !Double.isNaN(pair[1])) {
                    where.append(String.format(Locale.ROOT, "%s%,d keys: store %.0f ns, limiter %.0f ns", where.length() == 0
                            ? "" : "; ", keys, pair[0], pair[1]));
                }
            });
            if (where.length() > 0) {
                b.append("Where the time goes (medians from the table): ").append(where).append(". The store row ")
                        .append("is the off-heap state machine alone; the limiter row adds the engine's part of a ")
                        .append("check (normalising the identity, building the key, the decision). The two rows do not ")
                        .append("build keys the same way (a reused byte buffer against a string per key), so read the ")
                        .append("difference as approximate.\n\n");
            }
        }
        Path thp = dir.resolve("sweep-thp");
        if (Files.exists(thp.resolve("sweep.md"))) {
            b.append("### With the Java heap on huge pages too\n\n").append(SWEEP_THP_METHOD);
            if (Files.exists(thp.resolve("sweep-info.md"))) {
                b.append(Files.readString(thp.resolve("sweep-info.md"), StandardCharsets.UTF_8)).append('\n');
            }
            b.append(Files.readString(thp.resolve("sweep.md"), StandardCharsets.UTF_8)).append('\n');
        }
        if (Files.exists(png)) {
            Path target = doc.toAbsolutePath().getParent().resolve("benchmarks-sweep.png");
            Files.copy(png, target, StandardCopyOption.REPLACE_EXISTING);
            b.append("![latency and bytes per key against keyspace size](benchmarks-sweep.png)\n\n");
        }
    }

    private static String num(Result r) {
        if (r == null) {
            return "";
        }
        double v = r.normalised();
        String text = String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
        return r.samples() < r.expectedSamples() ? text + " †" : text;
    }

    static final String METHOD = """
            ## Method

            JMH 1.37 benchmarks in `bench/src/main/java/dev/sluice/bench/jmh`, one fork each, and the keyspace sweep
            of `sluice sweep`. Every implementation runs the same workload on the same keys in the same run, behind
            one interface (`dev.sluice.bench.peers.KeyedLimiter`), chosen by the `impl` parameter:

            | impl | what it is |
            |---|---|
            | `sluice-fixed`, `sluice-sliding`, `sluice-token` | Sluice's `RateLimiter.check(user, tenant, tool[, now], Decision into)`, the zero-allocation form, on the embedded off-heap backend |
            | `onheap-fixed`, `onheap-sliding`, `onheap-token` | the design Sluice replaces: a `ConcurrentHashMap` of per-key objects guarded by `synchronized`, same semantics |
            | `bucket4j` | Bucket4j 8.19.0 local lock-free bucket per key (greedy token bucket) in a `ConcurrentHashMap` |
            | `resilience4j` | Resilience4j 2.4.0 `AtomicRateLimiter` per key (permits per refresh period) in a `ConcurrentHashMap` |
            | `guava` | Guava 33.8.0 `RateLimiter` per key (smooth bursty) in a `ConcurrentHashMap` |
            | `agrona-fixed` | a fixed window packed into one `long` per key in Agrona 2.6.0's `Object2LongHashMap`: single-threaded, the on-heap floor |
            | `FloorBenchmark` | one `AtomicLong` CAS and one `MemorySegment` `VarHandle` CAS: the floor under any counter |
            | `StoreAcquireBenchmark`, `RawCasBenchmark` | the off-heap store alone (`bench/src/main/java/dev/sluice/bench/store`), one key, each algorithm, against one raw segment CAS |

            The peers' semantics differ: Guava and Resilience4j have no per-window counts, Bucket4j has no fixed or
            sliding window, and only Sluice builds headers' numbers (remaining, reset, retry-after) for every
            dimension. What is compared is the cost of **one decision per request**. To make every implementation
            take the same branch, single-threaded benchmarks run on synthetic time: the benchmark advances a clock
            by a fixed step per request and passes it in (Sluice's explicit-time `check`, a Bucket4j `TimeMeter`,
            the on-heap and Agrona maps). One key: 20 ms per request against 100/s, so every request is admitted
            (`allowed`), or 1/h, so all are refused (`blocked`). Three dimensions: 100 µs per request against
            10,000/s per key, all admitted. Random keys: `1 s / (10 × keys)` per request against 100/s; uniform
            draws are all admitted and every key stays live between its requests, while with Zipf draws the
            popular keys reach their limit and the rare keys' state has expired when they come back, the same
            mix for every implementation on synthetic time. Guava and Resilience4j read only the system clock;
            they get a limit no run reaches (admitted) or one permit per hour (refused). The contention
            benchmarks run on the system clock for everyone. An iteration in which Sluice's backend failed (and so failed open) is
            failed rather than reported.

            The load average under "This run" says whether other work shared the two cores during the run: above
            about 1 it did, so absolute figures are inflated and noisy, and the medians and same-run ratios are the
            figures to read.

            """;

    static final String SWEEP_METHOD = """
            For each keyspace size, one thread charges every key once, then times batches of 1,000 checks on keys
            drawn uniformly; the median and p99 are over batches (ns per check = batch time / 1,000, so the timer's
            own cost is spread over the batch). Off-heap bytes per key come from the store's own accounting
            (`KeyedStore.offHeapBytes()`, capacity included, so it reflects how the table is sized, not only live
            state); for the full limiter (`sluice-fixed`) they come from `RateLimiter.stats()` when the backend
            reports them, and are `n/a` otherwise (FFM arenas are not counted in the JDK's direct-memory pool). Heap bytes per key: heap in use after a full GC, after minus before
            charging the keys (the benchmark's own key strings are allocated before and not counted: a real on-heap
            map also holds its key `String`, some 50-60 more bytes for these keys, while the store's figure already
            includes its own copy of the key bytes). GCs and GC ms:
            collections during charging and measuring (explicit ones for the heap reading excluded). `sluice-store`
            (fixed window) and `sluice-store-token` (token bucket) drive the off-heap store directly, sized for
            exactly the keyspace (`maxKeys` = keys, at least 1,024; the default 32-byte key area) and with keys
            built into a reused byte buffer, so their off-heap bytes per key are the store's cost per key at
            capacity; the other rows use the same key strings.

            """;

    static final String SWEEP_THP_METHOD = """
            The store maps its tables with transparent huge pages (see `docs/memory-layout.md`), which spares most
            of the TLB misses of random access over hundreds of megabytes; an on-heap map gets the same relief only
            when the JVM is started with `-XX:+UseTransparentHugePages`. This second sweep runs both in a JVM
            with that flag, at 1 and 10 million keys, so that the comparison does not rest on page size.

            """;

    static final String WHY = """
            ### Why, where it is behind

            What each Sluice check does that the peers in these benchmarks do not, read from the code, not
            measured one by one:

            - Sluice normalises the identities (strip, blank check, `:` replacement, tool lower-casing) and encodes
              each dimension's key (`user:<id>:<window>`) into a byte buffer before hashing it; the peers are handed
              a finished `String` whose hash code is cached in the object.
            - It computes and keeps, for every dimension, what the headers and metadata need (remaining, reset,
              retry-after) and aggregates the dimensions into one decision; Guava and Resilience4j answer a
              boolean.
            - Its state is off-heap: every access goes through bounds-checked `MemorySegment` reads and CAS, and
              lookups compare key bytes, where an on-heap map compares a cached hash and a reference first.
            - On the system clock (contention benchmarks) a check reads two clocks (monotonic and wall), the peers one.

            What it buys is not in a nanosecond column: no per-key objects on the heap (the sweep's heap bytes per
            key and GC columns), no allocation per check (the B/op columns), a fixed memory budget, and the same
            semantics and headers as the Redis backend.

            ## Commands

            The figures above come from the reduced configuration of `bench/scripts/run-benchmarks.sh` (see the
            run information near the top). The full configuration, for a quiet machine with time to spare:

            ```
            bench/scripts/run-benchmarks.sh --full
            ```

            which runs 3 forks, 5 warm-up and 10 measured iterations of 2 s, every `@Param` value (including
            10,000,000 keys), and the sweep to 10^8 keys for the off-heap store.
            """;
}
