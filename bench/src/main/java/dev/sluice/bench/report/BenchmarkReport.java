package dev.sluice.bench.report;

import dev.sluice.bench.peers.Impl;
import dev.sluice.bench.sweep.KeyspaceSweep;
import dev.sluice.bench.sweep.SweepTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes {@code docs/benchmarks.md} from a results folder: the JMH JSON files ({@code -rf json}) with, next to
 * each, the exact command that wrote it ({@code NAME.cmd} beside {@code NAME.json}), the sweep's
 * {@code sweep/sweep.csv}, {@code sweep/sweep-info.md} and {@code sweep/sweep.png}, and {@code run-info.md}
 * (date, machine, commands), all written by {@code bench/scripts/run-benchmarks.sh}, and the Redis benchmark's
 * folder {@code redis/} when it exists ({@link RedisReport}). Nothing in the figures section is typed by hand, nor
 * is any version: the libraries' are the build's ({@link BuildVersions}), the JVM's the one the results record.
 * When the folder holds only Redis results (no other JMH JSON, no {@code run-info.md}), the existing document
 * is kept and only its Redis section is replaced.
 *
 * <p>Every table of limiters has, beside each raw figure, the net one (less the {@code baseline} row) and, for
 * Sluice's rows, the ratio to the best peer in the same run ({@link PeerComparison}).
 *
 * <p>Usage: {@code java -cp sluice.jar dev.sluice.bench.report.BenchmarkReport RESULTS_DIR DOC_PATH}
 */
public final class BenchmarkReport {
    private final List<JmhResult> results;
    private final Path dir;
    private final BuildVersions versions;
    private final List<String> behind = new ArrayList<>();

    private BenchmarkReport(List<JmhResult> results, Path dir, BuildVersions versions) {
        this.results = results;
        this.dir = dir;
        this.versions = versions;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: BenchmarkReport RESULTS_DIR DOC_PATH");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Path doc = Path.of(args[1]);
        BuildVersions versions = BuildVersions.load();
        List<JmhResult> results = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                results.addAll(JmhResult.read(f));
            }
        }
        if (results.isEmpty() && !Files.exists(dir.resolve("run-info.md")) && Files.exists(doc)) {
            // Only the Redis benchmark's results (bench/scripts/run-benchmarks.sh --redis on a fresh results
            // folder): keep the document's other figures as they are and replace its Redis section.
            RedisReport redis = RedisReport.read(dir, versions);
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
        String text = new BenchmarkReport(results, dir, versions).render(doc);
        Files.writeString(doc, text, StandardCharsets.UTF_8);
        System.out.println("wrote " + doc + " from " + results.size() + " JMH results in " + dir);
    }

    private JmhResult find(String benchmark, int threads, String mode, Map<String, String> params) {
        for (JmhResult r : results) {
            if (r.benchmark().equals(benchmark) && r.threads() == threads && r.mode().equals(mode)
                    && params.entrySet().stream().allMatch(e -> e.getValue().equals(r.param(e.getKey())))) {
                return r;
            }
        }
        return null;
    }

    /** @return the {@code impl} values present for {@code benchmark}: the baseline, then {@link Impl}'s order */
    private List<String> impls(String benchmark) {
        List<String> order = new ArrayList<>();
        order.add(PeerComparison.BASELINE);
        for (Impl i : Impl.values()) {
            order.add(i.id());
        }
        Set<String> present = new LinkedHashSet<>();
        for (String impl : order) {
            for (JmhResult r : results) {
                if (r.benchmark().equals(benchmark) && r.impl().equals(impl)) {
                    present.add(impl);
                }
            }
        }
        return new ArrayList<>(present);
    }

    /** The column of {@code benchmark} at these parameters, by impl. */
    private Map<String, JmhResult> column(String benchmark, int threads, String mode, List<String> impls,
            Map<String, String> params) {
        Map<String, JmhResult> byImpl = new LinkedHashMap<>();
        for (String impl : impls) {
            Map<String, String> p = new LinkedHashMap<>(params);
            p.put("impl", impl);
            byImpl.put(impl, find(benchmark, threads, mode, p));
        }
        return byImpl;
    }

    String render(Path doc) throws IOException {
        StringBuilder b = new StringBuilder();
        Path info = dir.resolve("run-info.md");
        b.append("# Benchmarks\n\n");
        b.append("<!-- Generated by bench/scripts/run-benchmarks.sh from the JMH JSON and the sweep's output; ")
                .append("edit the generator (dev.sluice.bench.report.BenchmarkReport), not this file. -->\n\n");
        b.append(method(versions));
        if (Files.exists(info)) {
            b.append(Files.readString(info, StandardCharsets.UTF_8)).append('\n');
        }
        if (!results.isEmpty()) {
            JmhResult any = results.get(0);
            b.append("JVM of the forks: ").append(any.vm()).append(' ').append(any.jdk()).append(".\n\n");
        }
        b.append(HOW_TO_READ);
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
        sweep(b, doc);
        RedisReport redis = RedisReport.read(dir, versions);
        if (redis != null) {
            b.append(redis.section());
            behind.addAll(redis.behind());
        }
        b.append("## Where Sluice is not ahead\n\n");
        if (behind.isEmpty()) {
            b.append("In this run every Sluice row above is at least as fast as the best peer of its table.\n\n");
        } else {
            b.append("Every Sluice row in this run that is slower than the best peer of its table (or misses a target):\n\n");
            for (String line : behind) {
                b.append("- ").append(line).append('\n');
            }
            b.append('\n');
        }
        b.append(WHY);
        return b.toString();
    }

    /** The exact commands that wrote {@code used}, from the {@code .cmd} file beside each JSON file. */
    private void commands(StringBuilder b, Collection<JmhResult> used) throws IOException {
        Set<String> sources = new TreeSet<>();
        for (JmhResult r : used) {
            if (r != null) {
                sources.add(r.source());
            }
        }
        List<String> lines = new ArrayList<>();
        for (String source : sources) {
            Path cmd = dir.resolve(source + ".cmd");
            if (Files.exists(cmd)) {
                lines.add(Files.readString(cmd, StandardCharsets.UTF_8).strip());
            }
        }
        if (!lines.isEmpty()) {
            b.append(lines.size() == 1 ? "Command:\n\n```\n" : "Commands:\n\n```\n");
            lines.forEach(l -> b.append(l).append('\n'));
            b.append("```\n\n");
        }
    }

    /**
     * One table of implementations for one column: raw figure, net figure, ratios to the best peer, B/op. Sluice
     * rows behind the best peer go to the closing list, under {@code context}.
     */
    private List<JmhResult> table(StringBuilder b, String context, Map<String, JmhResult> byImpl) {
        PeerComparison c = PeerComparison.of(byImpl);
        boolean throughput = byImpl.values().stream().anyMatch(r -> r != null && r.throughput());
        b.append(throughput
                ? "| impl | ops/µs | net ns/op | vs best peer | net vs best peer | B/op |\n"
                : "| impl | ns | net ns | vs best peer | net vs best peer | B/op |\n");
        b.append("|---|---:|---:|---:|---:|---:|\n");
        List<JmhResult> used = new ArrayList<>();
        for (PeerComparison.Row row : c.rows()) {
            JmhResult r = row.result();
            used.add(r);
            String ratio = row.bestPeer() ? "best peer" : ratio(row.vsBestPeer());
            String netRatio = row.bestPeer() ? "" : ratio(row.netVsBestPeer());
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", row.impl(), num(r),
                    Double.isNaN(row.netNanos()) ? "" : figure(row.netNanos()), ratio, netRatio, alloc(r)));
            if (row.vsBestPeer() < 1) {
                PeerComparison.Row best = c.best();
                behind.add(String.format(Locale.ROOT, "%s: %s is %.2f× the speed of the best peer, %s (%s vs %s; net %.1f vs %.1f ns%s)",
                        context, row.impl(), row.vsBestPeer(), best.impl(), fmt(r), fmt(best.result()),
                        row.netNanos(), best.netNanos(), Double.isNaN(row.netVsBestPeer()) ? ""
                                : String.format(Locale.ROOT, ", %.2f× net", row.netVsBestPeer())));
            }
        }
        if (c.rows().stream().anyMatch(row -> PeerComparison.isSluice(row.impl()) && row.result() == null)) {
            behind.add(context + ": a Sluice row has no result; every iteration failed because its backend failed "
                    + "open (the log of this run says why, e.g. table full)");
        }
        return used;
    }

    /** A ratio with two decimals, three below 0.1 so that it never reads 0.00×; bold below 1×. */
    static String ratio(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        String text = String.format(Locale.ROOT, v < 0.1 ? "%.3f×" : "%.2f×", v);
        return v < 1 ? "**" + text + "**" : text;
    }

    /** Three significant figures at most, whole numbers from 100 up. */
    static String figure(double v) {
        double magnitude = Math.abs(v);
        return String.format(Locale.ROOT, magnitude >= 100 ? "%.0f" : magnitude >= 10 ? "%.1f" : "%.2f", v);
    }

    private void singleKey(StringBuilder b) throws IOException {
        String bench = "SingleKeyBenchmark.check";
        List<String> impls = impls(bench);
        if (impls.isEmpty()) {
            return;
        }
        b.append("## One key, one thread (`SingleKeyBenchmark`)\n\n");
        b.append("ns per request, lower is better: one user's id decoded from its bytes, then one check.\n\n");
        List<JmhResult> used = new ArrayList<>();
        for (String[] path : new String[][] {{"allowed", "every request admitted (the counter is written)"},
            {"blocked", "every request refused"}}) {
            Map<String, JmhResult> column = column(bench, 1, "avgt", impls, Map.of("path", path[0]));
            if (column.values().stream().allMatch(r -> r == null)) {
                continue;
            }
            b.append("### `").append(path[0]).append("`: ").append(path[1]).append("\n\n");
            used.addAll(table(b, "one key, " + path[0], column));
            b.append('\n');
        }
        commands(b, used);
    }

    private void threeDimensions(StringBuilder b) throws IOException {
        String bench = "ThreeDimensionBenchmark.check";
        List<String> impls = impls(bench);
        if (impls.isEmpty()) {
            return;
        }
        b.append("## User, tenant and tool in one check (`ThreeDimensionBenchmark`)\n\n");
        b.append("ns per request (three identities decoded, three dimensions charged), admitted path, 1,000 users ")
                .append("in 10 tenants over 5 tools.\n\n");
        List<JmhResult> used = table(b, "three dimensions", column(bench, 1, "avgt", impls, Map.of()));
        b.append('\n');
        commands(b, used);
    }

    private void randomKeys(StringBuilder b) throws IOException {
        String bench = "RandomKeysBenchmark.check";
        List<String> impls = impls(bench);
        if (impls.isEmpty()) {
            return;
        }
        Set<Integer> keys = new TreeSet<>();
        Set<String> dists = new TreeSet<>();
        for (JmhResult r : results) {
            if (r.benchmark().equals(bench)) {
                keys.add(Integer.parseInt(r.param("keys")));
                dists.add(r.param("distribution"));
            }
        }
        b.append("## Random keys over a keyspace (`RandomKeysBenchmark`)\n\n");
        b.append("ns per request, one thread, every key charged once before measuring (uniform: admitted path; ")
                .append("Zipf: a mix, see Method).\n\n");
        List<JmhResult> used = new ArrayList<>();
        for (String d : dists) {
            for (int k : keys) {
                b.append(String.format(Locale.ROOT, "### %,d keys, %s%n%n", k, d));
                used.addAll(table(b, String.format(Locale.ROOT, "random keys, %d keys %s", k, d),
                        column(bench, 1, "avgt", impls, Map.of("keys", Integer.toString(k), "distribution", d))));
                b.append('\n');
            }
        }
        commands(b, used);
    }

    private void floorSingle(StringBuilder b) throws IOException {
        List<JmhResult> rows = new ArrayList<>();
        for (String m : List.of("atomicCasShared", "segmentCasShared")) {
            JmhResult r = find("FloorBenchmark." + m, 1, "avgt", Map.of());
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
        for (JmhResult r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", r.benchmark(), num(r), alloc(r)));
        }
        b.append('\n');
        commands(b, rows);
    }

    /** The off-heap store without the engine, against one raw segment CAS measured in the same JMH run. */
    private void storeAlone(StringBuilder b) throws IOException {
        JmhResult cas = find("RawCasBenchmark.rawSegmentCas", 1, "avgt", Map.of());
        List<JmhResult> rows = new ArrayList<>();
        for (JmhResult r : results) {
            if (r.benchmark().startsWith("StoreAcquireBenchmark.") && r.threads() == 1 && r.mode().equals("avgt")) {
                rows.add(r);
            }
        }
        if (cas == null || rows.isEmpty()) {
            return;
        }
        b.append("## The store alone, one thread (`StoreAcquireBenchmark`, `RawCasBenchmark`)\n\n");
        b.append("`KeyedStore.acquire` on one 19-character key (`tenant:acme:user:42`): the fingerprint of the string, ")
                .append("the slot probe and the state transition; `singleKeyAllowedFingerprinted` is the same with the ")
                .append("fingerprint computed once before, the store's own work. No identity decoding or normalisation, ")
                .append("or decision, which the single-key tables above add. The ratio is to one raw ")
                .append("`MemorySegment` CAS (`RawCasBenchmark`, an acquire read and a compare-and-set) measured in the ")
                .append("same JMH run: ").append(num(cas)).append(" ns, ").append(alloc(cas)).append(" B/op.\n\n");
        b.append("| path | algorithm | ns | × raw CAS | B/op |\n|---|---|---:|---:|---:|\n");
        for (JmhResult r : rows) {
            double ratio = r.normalised() / cas.normalised();
            String path = r.benchmark().substring("StoreAcquireBenchmark.".length());
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f× | %s |%n", path, r.param("algorithm"), num(r), ratio,
                    alloc(r)));
        }
        b.append('\n');
        List<JmhResult> used = new ArrayList<>(rows);
        used.add(cas);
        commands(b, used);
    }

    private void contention(StringBuilder b) throws IOException {
        Set<Integer> threads = new TreeSet<>();
        for (JmhResult r : results) {
            if (r.benchmark().startsWith("ContentionBenchmark.")) {
                threads.add(r.threads());
            }
        }
        if (threads.isEmpty()) {
            return;
        }
        b.append("## Threads on one shared key and on a key each (`ContentionBenchmark`, `FloorBenchmark`)\n\n");
        b.append("Throughput of all threads together in operations per µs, higher is better; net ns/op is the ")
                .append("threads' wall time per operation (1,000 ÷ ops/µs) less the baseline's. System clock, limit ")
                .append("1,000,000/s per key, so on the shared key most requests are refused once a second's million is ")
                .append("used. The floor rows are one compare-and-set on a shared word and on a word per thread (each ")
                .append("alone in 128 bytes), with the same threads. The machine has two cores: with 4 and 8 threads ")
                .append("they take turns.\n\n");
        List<JmhResult> used = new ArrayList<>();
        for (int t : threads) {
            for (String[] kind : new String[][] {{"sharedKey", "Shared", "shared key"},
                {"distinctKeys", "Distinct", "key per thread"}}) {
                String bench = "ContentionBenchmark." + kind[0];
                b.append("### ").append(t).append(" threads, ").append(kind[2]).append("\n\n");
                used.addAll(table(b, t + " threads, " + kind[2], column(bench, t, "thrpt", impls(bench), Map.of())));
                for (String[] floor : new String[][] {{"AtomicLong CAS (floor)", "atomicCas"},
                    {"MemorySegment CAS (floor)", "segmentCas"}}) {
                    JmhResult f = find("FloorBenchmark." + floor[1] + kind[1], t, "thrpt", Map.of());
                    if (f != null) {
                        used.add(f);
                        b.append(String.format(Locale.ROOT, "| %s | %s |  |  |  | %s |%n", floor[0], num(f), alloc(f)));
                    }
                }
                b.append('\n');
            }
        }
        commands(b, used);
    }

    private void sweep(StringBuilder b, Path doc) throws IOException {
        b.append("## Keyspace sweep (`sluice sweep`)\n\n");
        Path csv = dir.resolve("sweep").resolve("sweep.csv");
        Path png = dir.resolve("sweep").resolve("sweep.png");
        if (!Files.exists(csv)) {
            b.append("No sweep output in `").append(dir.resolve("sweep")).append("` yet.\n\n");
            return;
        }
        b.append(SWEEP_METHOD);
        List<KeyspaceSweep.Row> rows = SweepTable.readCsv(Files.readString(csv, StandardCharsets.UTF_8));
        appendIfExists(b, dir.resolve("sweep").resolve("sweep-info.md"));
        b.append(SweepTable.markdown(rows)).append('\n');
        String where = whereTheTimeGoes(rows);
        if (!where.isEmpty()) {
            b.append("Per size (means from the table): ").append(where).append(". The store row is the off-heap ")
                    .append("state machine alone, keyed by a number in a reused buffer; the limiter row adds the ")
                    .append("engine's part of a request (decoding and normalising the identity, building the key, ")
                    .append("the decision).\n\n");
        }
        Path thp = dir.resolve("sweep-thp");
        if (Files.exists(thp.resolve("sweep.csv"))) {
            b.append("### With the Java heap on huge pages too\n\n").append(SWEEP_THP_METHOD);
            appendIfExists(b, thp.resolve("sweep-info.md"));
            b.append(SweepTable.markdown(SweepTable.readCsv(Files.readString(thp.resolve("sweep.csv"),
                    StandardCharsets.UTF_8)))).append('\n');
        }
        if (Files.exists(png)) {
            Path target = doc.toAbsolutePath().getParent().resolve("benchmarks-sweep.png");
            Files.copy(png, target, StandardCopyOption.REPLACE_EXISTING);
            b.append("![mean and p99 latency and bytes per key against keyspace size, beside the memory floor]")
                    .append("(benchmarks-sweep.png)\n\n");
        }
    }

    private static void appendIfExists(StringBuilder b, Path file) throws IOException {
        if (Files.exists(file)) {
            b.append(Files.readString(file, StandardCharsets.UTF_8).strip()).append("\n\n");
        }
    }

    /** @return per size, the floor's, the store's and the full limiter's means, with the ratios to the floor */
    static String whereTheTimeGoes(List<KeyspaceSweep.Row> rows) {
        Map<Long, Map<String, KeyspaceSweep.Row>> bySize = new TreeMap<>();
        for (KeyspaceSweep.Row r : rows) {
            if (r.measured()) {
                bySize.computeIfAbsent(r.keys(), k -> new LinkedHashMap<>()).put(r.impl(), r);
            }
        }
        List<String> parts = new ArrayList<>();
        bySize.forEach((keys, byImpl) -> {
            KeyspaceSweep.Row floor = byImpl.get(KeyspaceSweep.FLOOR_IMPL);
            KeyspaceSweep.Row store = byImpl.get(KeyspaceSweep.STORE_IMPL);
            KeyspaceSweep.Row limiter = byImpl.get("sluice-fixed");
            if (floor == null || (store == null && limiter == null)) {
                return;
            }
            StringBuilder p = new StringBuilder(String.format(Locale.ROOT, "%,d keys: floor %.0f ns", keys, floor.meanNanos()));
            for (KeyspaceSweep.Row r : new KeyspaceSweep.Row[] {store, limiter}) {
                if (r != null) {
                    p.append(String.format(Locale.ROOT, ", %s %.0f ns (%.1f×)", r.equals(store) ? "store" : "limiter",
                            r.meanNanos(), r.meanNanos() / floor.meanNanos()));
                }
            }
            parts.add(p.toString());
        });
        return String.join("; ", parts);
    }

    private static String fmt(JmhResult r) {
        if (r == null) {
            return "";
        }
        return r.throughput() ? String.format(Locale.ROOT, "%.1f ops/µs", r.normalised())
                : String.format(Locale.ROOT, "%.1f ns", r.normalised());
    }

    private static String alloc(JmhResult r) {
        if (r == null || Double.isNaN(r.allocNorm())) {
            return "";
        }
        return r.allocNorm() < 0.5 ? "0" : String.format(Locale.ROOT, "%.0f", r.allocNorm());
    }

    private static String num(JmhResult r) {
        if (r == null) {
            return "";
        }
        String text = figure(r.normalised());
        return r.samples() < r.expectedSamples() ? text + " †" : text;
    }

    /** The "Method" section, with the versions of JMH and of the peers that {@code v} says the jar has. */
    static String method(BuildVersions v) {
        return METHOD.formatted(v.jmh(), v.bucket4j(), v.resilience4j(), v.guava(), v.agrona());
    }

    // A text block of a whole section reads better beside the other sections' constants than inline.
    @SuppressWarnings("InlineFormatString")
    private static final String METHOD = """
            ## Method

            JMH %1$s benchmarks in `bench/src/main/java/dev/sluice/bench/jmh`, with the forks and iterations given
            under "This run", and the keyspace sweep of `sluice sweep`. Every implementation runs the same workload
            on the same identities in the same run, behind one interface (`dev.sluice.bench.peers.KeyedLimiter`),
            chosen by the `impl` parameter:

            | impl | what it is |
            |---|---|
            | `baseline` | decodes the request's identities like every other row and hands them to a JMH `Blackhole`: no limiter. A row's figure less this one (**net**) is what the limiter costs |
            | `sluice-fixed`, `sluice-sliding`, `sluice-token` | Sluice's `RateLimiter.check(user, tenant, tool[, now], Decision into)`, the zero-allocation form, on the embedded off-heap backend |
            | `onheap-fixed`, `onheap-sliding`, `onheap-token` | the design Sluice replaces: a `ConcurrentHashMap` of per-key objects guarded by `synchronized`, same semantics |
            | `bucket4j` | Bucket4j %2$s local lock-free bucket per key (greedy token bucket) in a `ConcurrentHashMap` |
            | `resilience4j` | Resilience4j %3$s `AtomicRateLimiter` per key (permits per refresh period) in a `ConcurrentHashMap` |
            | `guava` | Guava %4$s `RateLimiter` per key (smooth bursty) in a `ConcurrentHashMap` |
            | `agrona-fixed` | a fixed window packed into one `long` per key in Agrona %5$s's `Object2LongHashMap`: single-threaded, the on-heap floor |
            | `FloorBenchmark` | one `AtomicLong`-style CAS (`AtomicLongArray`) and one `MemorySegment` `VarHandle` CAS, on a shared word and on a word per thread, each word alone in 128 bytes: the floor under any counter |
            | `StoreAcquireBenchmark`, `RawCasBenchmark` | the off-heap store alone (`bench/src/main/java/dev/sluice/bench/store`), one key, each algorithm, against one raw segment CAS |

            **Input as a gateway has it.** A gateway decodes each request's identities from the request's bytes into
            new `String`s: no cached hash code, never the instance of an earlier request. The benchmarks do the same
            in the benchmark method, from a pool of request bytes built beforehand
            (`dev.sluice.bench.workload.GatewayInput`): 33-character e-mail-like user ids
            (`user-000000042@example-corp.co.uk`), tenants `tenant-00`..`tenant-99`, and tool names, decoded as
            UTF-8. Each implementation builds its own keys from them: Sluice its dimension keys, the map-based
            peers `"user:" + user`, `"tenant:" + tenant` and `"tool:" + tool`. Hashing a fresh string and
            building a key are therefore part of every row, as in production; the `baseline` row says what the
            decoding alone costs.

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
            benchmarks run on the system clock for everyone, at 2, 4 and 8 threads (JMH's `-t`), on one shared
            user and on a user per thread. An iteration in which Sluice's backend failed (and so failed open) is
            failed rather than reported.

            Every fork runs with `-XX:+AlwaysPreTouch` and a fixed heap (`-Xms` = `-Xmx`), so that no
            measurement pays for the heap growing or for its pages being touched the first time.

            The load average under "This run" says whether other work shared the two cores during the run: above
            about 1 it did, so absolute figures are inflated and noisy, and the medians and same-run ratios are the
            figures to read.

            """;

    static final String HOW_TO_READ = """
            ## How to read the tables

            Each figure is the **median** of the measured iterations of all its forks (range in the raw JSON). A fork
            of Sluice's one-thread hot-key benchmarks settles at one of two speeds, the slower up to twice the
            faster, apparently after how the JIT compiled it during warm-up; the reduced run therefore gives the
            single-key and three-dimension tables three forks each, so that their medians are a typical fork's.
            **net** is
            the figure less the `baseline` row's of the same table, in ns per request (for throughput tables, the
            threads' wall time per operation, 1,000 ÷ ops/µs, less the baseline's): the limiter's own cost, key
            building included; a net figure near 0 is within the noise of the two. **vs best peer**, on Sluice's
            rows, compares with the fastest peer of the same table in the same run (marked `best peer`): the peer's
            time ÷ Sluice's time, or Sluice's throughput ÷ the peer's; above 1× Sluice is faster than every peer,
            **bold** below 1× marks where it is slower. **net vs best peer** is the same ratio on net figures. **B/op**
            is JMH's `gc.alloc.rate.norm` (`-prof gc`): heap bytes allocated per request, the decoded identities
            included (the baseline's B/op is what decoding allocates). On two cores, read the thread benchmarks as
            ratios within a run, never as absolute times. **†** marks a figure from fewer iterations than configured:
            the others failed, which for Sluice means its backend failed open during them (table full or memory
            budget spent), so they measured no decision and were dropped; an empty cell had no clean iteration at all.
            Under each table, the exact command that produced it.

            """;

    static final String SWEEP_METHOD = """
            For each keyspace size, one thread charges every key once, then, after a warm-up, times requests on keys
            drawn uniformly: the **mean** from batches of 1,000 requests timed as a whole, the **p99** and **p99.9**
            from as many requests again, each timed alone (so each includes one reading of the clock; its cost is
            given below). Beside every size, in the same JVM, the **memory floor** (`memory-floor`): one dependent
            random read over an off-heap table of as many bytes as the off-heap store's tables take for that many
            keys, on the same kind of pages, each read's address given by the read before it (a random cycle through
            every 64-byte line of the table). Nothing keyed can answer for a random key of that keyspace faster
            than memory answers one random read of that size; the store reads one slot per key (fingerprint and
            state side by side), so about 1× the floor is the best to expect at the large sizes (independent
            requests can overlap their misses, which a dependent chain cannot, so a row may even come in below it).
            **× floor** is a row's mean ÷ the floor's mean at the same size.

            Off-heap bytes per key come from the store's own accounting (`KeyedStore.offHeapBytes()`, capacity
            included, so it reflects how the table is sized, not only live state); for the full limiter
            (`sluice-fixed`) they come from `RateLimiter.stats()` when the backend reports them, and are `n/a`
            otherwise (FFM arenas are not counted in the JDK's direct-memory pool). Heap bytes per key: the heap in
            use after a full GC (`MemoryMXBean`), after minus before charging the keys; it includes the keys each
            implementation built and keeps (an on-heap map holds its key strings), not the request bytes the sweep
            draws from. GCs and GC ms: collections during charging and measuring (explicit ones for the heap
            reading excluded). `sluice-store` (fixed window) and `sluice-store-token` (token bucket) drive the
            off-heap store directly, sized for exactly the keyspace (`maxKeys` = keys, at least 1,024), with the
            keys `user:<n>` fingerprinted before the measurement, so their rows are one lookup and one CAS and their
            off-heap bytes per key are the store's cost per key at capacity; the other rows get each request's user id decoded from bytes into a
            new string, as in the JMH benchmarks. A size an implementation would not fit in (heap beyond `-Xmx`,
            or more memory than the machine has available), or could not finish within its time budget, is
            skipped with a note.

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

            - Sluice normalises the identities (Python's strip, blank check, `:` replacement, tool lower-casing)
              and computes a keyed 128-bit fingerprint of each identity, eight characters a round; the peers
              concatenate a key string and let the map hash it (`String.hashCode`, vectorised by the JDK).
            - It computes and keeps, for every dimension, what the headers and metadata need (remaining, reset,
              retry-after) and aggregates the dimensions into one decision; Guava and Resilience4j answer a
              boolean.
            - Its state is off-heap: every access goes through bounds-checked `MemorySegment` reads and a CAS;
              the request passes through a batch of dimensions, a store batch and back, so one check copies its
              outcome twice before the decision is aggregated.

            What it buys is not in a nanosecond column: no per-key objects on the heap (the sweep's heap bytes per
            key and GC columns), no allocation per check beyond the caller's own strings (the B/op columns against
            the baseline's), a fixed memory budget, and the same semantics and headers as the Redis backend.

            ## Commands

            The figures above come from `bench/scripts/run-benchmarks.sh` (the configuration and every command are
            under "This run" near the top, and each table's own command under it), and this document from
            `dev.sluice.bench.report.BenchmarkReport`, which reads JMH's JSON result files (with Gson), the sweep's
            CSV and the Redis run's files. Nothing in it names a version by hand: JMH's and the peers' under Method
            are those of the build (`bench/pom.xml`, which Maven writes into the jar as
            `dev/sluice/bench/report/versions.properties`), and the JVM's is the one the JMH results record.
            The full configuration, for a quiet machine with time to spare:

            ```
            bench/scripts/run-benchmarks.sh --full
            ```

            which runs 3 forks, 5 warm-up and 10 measured iterations of 2 s, every `@Param` value (including
            10,000,000 keys), and the sweep to 10^8 keys.
            """;
}
