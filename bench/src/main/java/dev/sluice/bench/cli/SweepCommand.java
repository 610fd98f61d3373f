package dev.sluice.bench.cli;

import dev.sluice.bench.peers.Impl;
import dev.sluice.bench.sweep.KeyspaceSweep;
import dev.sluice.bench.sweep.SweepChart;
import dev.sluice.store.KeyedStore;
import dev.sluice.store.StoreAlgorithm;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code sluice sweep}: latency and memory per key against keyspace size. */
final class SweepCommand {
    static final Set<String> VALUED = Set.of("min-keys", "max-keys", "impls", "distribution", "checks", "budget",
            "out", "seed", "replot");
    static final Set<String> SWITCHES = Set.of("help");
    static final List<String> DEFAULT_IMPLS = List.of(KeyspaceSweep.STORE_IMPL, KeyspaceSweep.STORE_TOKEN_IMPL, "sluice-fixed",
            "onheap-fixed", "bucket4j");

    static final String HELP = """
            sluice sweep: how the cost of a check and the memory per key change as the keyspace grows.

            For each size (powers of ten from --min-keys to --max-keys) and each implementation: charge every
            key once, then time batches of 1,000 checks on keys drawn uniformly (or by Zipf), and report the
            median and p99 ns per check over batches, off-heap and heap bytes per key, and the GC count and
            time. An implementation stops growing at its time budget, at an out-of-memory error, or when its
            backend fails. Writes a table here, and sweep.csv, sweep.md and sweep.png (chart) to --out.

            Options (defaults in brackets):
              --min-keys N          smallest keyspace [1000]
              --max-keys N          largest keyspace, e.g. 1e7 or 1e8 [1e7]; keys need heap for their names
                                    except the store rows'; give the JVM room: SLUICE_JAVA_OPTS=-Xmx16g ./sluice sweep
              --impls LIST          any of sluice-store, sluice-store-token (the off-heap store driven
                                    directly, fixed window or token bucket, sized for exactly the keyspace),
                                    sluice-fixed, sluice-sliding, sluice-token (the full limiter),
                                    onheap-fixed, onheap-sliding, onheap-token, bucket4j, resilience4j, guava,
                                    agrona-fixed [%s]
              --distribution NAME   uniform | zipf [uniform]
              --checks N            measured checks per size, after as many again / 2 for warm-up [2M]
              --budget D            time budget per implementation, e.g. 90s, 5m [3m]
              --out DIR             where the CSV, markdown and chart go [bench/target/sweep]
              --seed N              seed of the key draws [1]
              --replot DIR          measure nothing: redraw sweep.md and sweep.png from DIR/sweep.csv
              --help                this text
            """.formatted(String.join(",", DEFAULT_IMPLS));

    private SweepCommand() {
    }

    static KeyspaceSweep.Settings settings(Options o) {
        long min = o.longValue("min-keys", 1_000, 1, 1_000_000_000L);
        long max = o.longValue("max-keys", 10_000_000, 1, 1_000_000_000L);
        if (max < min) {
            throw new UsageException("--max-keys=\"" + o.string("max-keys", "") + "\": below --min-keys " + min);
        }
        List<String> impls = o.list("impls", DEFAULT_IMPLS);
        for (String impl : impls) {
            if (!KeyspaceSweep.isStore(impl)) {
                try {
                    Impl.of(impl);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--impls=\"" + o.string("impls", "") + "\": " + e.getMessage()
                            + ", " + KeyspaceSweep.STORE_IMPL + ", " + KeyspaceSweep.STORE_TOKEN_IMPL);
                }
            }
        }
        List<Long> sizes = new ArrayList<>();
        for (long n = min; n <= max; n *= 10) {
            sizes.add(n);
            if (n > Long.MAX_VALUE / 10) {
                break;
            }
        }
        return new KeyspaceSweep.Settings(impls, sizes,
                o.choice("distribution", "uniform", List.of("uniform", "zipf")).equals("zipf"),
                o.longValue("checks", 2_000_000, 10_000, 1_000_000_000L),
                o.duration("budget", java.time.Duration.ofMinutes(3)).toMillis() / 1000.0,
                o.longValue("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE));
    }

    static int run(Options o, PrintStream out) {
        System.setProperty("java.awt.headless", "true");
        KeyspaceSweep.Settings s = settings(o);
        if (o.has("replot")) {
            Path dir = Path.of(o.string("replot", "."));
            try {
                List<KeyspaceSweep.Row> rows = readCsv(Files.readString(dir.resolve("sweep.csv"), StandardCharsets.UTF_8));
                write(dir, rows, s, out);
            } catch (IOException e) {
                throw new UsageException("--replot=\"" + dir + "\": " + e);
            }
            return 0;
        }
        Path dir = Path.of(o.string("out", "bench/target/sweep"));
        out.printf(Locale.ROOT, "sluice sweep: %s keys, sizes %s, %,d measured checks per size, budget %.0f s per implementation, max heap %,d MiB%n",
                s.zipf() ? "Zipf (s=0.99)" : "uniform", s.sizes(), s.checksPerSize(), s.budgetSeconds(),
                Runtime.getRuntime().maxMemory() >> 20);
        String pages = pages();
        out.println(pages);
        out.println(headerLine());
        List<KeyspaceSweep.Row> rows = new KeyspaceSweep(s, out).run();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("sweep-info.md"), pages + "\n", StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("sweep.csv"), csv(rows), StandardCharsets.UTF_8);
            write(dir, rows, s, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }

    private static void write(Path dir, List<KeyspaceSweep.Row> rows, KeyspaceSweep.Settings s, PrintStream out)
            throws IOException {
        Files.writeString(dir.resolve("sweep.md"), markdown(rows, s), StandardCharsets.UTF_8);
        File png = dir.resolve("sweep.png").toFile();
        SweepChart.write(rows, png, "Keyspace sweep: one thread, " + (s.zipf() ? "Zipf" : "uniform")
                + " keys, fixed window");
        out.println();
        out.println("wrote " + dir.resolve("sweep.md") + " and " + png + " (data: " + dir.resolve("sweep.csv") + ")");
    }

    /** Reads what {@link #csv} writes. */
    static List<KeyspaceSweep.Row> readCsv(String text) {
        List<KeyspaceSweep.Row> rows = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            int quote = line.indexOf('"');
            String note = quote < 0 ? "" : line.substring(quote + 1, line.lastIndexOf('"'));
            String[] f = (quote < 0 ? line : line.substring(0, quote)).split(",");
            rows.add(new KeyspaceSweep.Row(f[0], Long.parseLong(f[1]), Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                    Long.parseLong(f[6]), Long.parseLong(f[7]), Double.parseDouble(f[8]), note));
        }
        return rows;
    }

    /**
     * Which pages back the memory under test: the store's tables use transparent huge pages only with native
     * access (a probe store says whether it got them), the Java heap only with -XX:+UseTransparentHugePages.
     */
    static String pages() {
        boolean storeHuge;
        try (KeyedStore probe = KeyedStore.builder(StoreAlgorithm.FIXED_WINDOW).maxKeys(1 << 16).build()) {
            storeHuge = probe.hugePageBytes() > 0;
        }
        boolean heapHuge = ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+UseTransparentHugePages");
        return "Pages: the off-heap store's tables on " + (storeHuge ? "transparent huge pages (MADV_HUGEPAGE)"
                : "small pages (huge pages need Linux and --enable-native-access)") + "; the Java heap on "
                + (heapHuge ? "transparent huge pages (-XX:+UseTransparentHugePages)" : "the JVM's default small pages") + ".";
    }

    private static String headerLine() {
        return String.format(Locale.ROOT, "%-14s %12s %10s %10s %12s %12s %6s %8s %8s  %s", "impl", "keys",
                "median ns", "p99 ns", "off-heap B/k", "heap B/k", "GCs", "GC ms", "secs", "note");
    }

    static String csv(List<KeyspaceSweep.Row> rows) {
        StringBuilder b = new StringBuilder("impl,keys,median_ns,p99_ns,offheap_bytes_per_key,heap_bytes_per_key,gc_count,gc_ms,seconds,note\n");
        for (KeyspaceSweep.Row r : rows) {
            b.append(String.format(Locale.ROOT, "%s,%d,%.1f,%.1f,%.1f,%.1f,%d,%d,%.1f,\"%s\"%n", r.impl(), r.keys(),
                    r.medianNanos(), r.p99Nanos(), r.offHeapBytesPerKey(), r.heapBytesPerKey(), r.gcCount(), r.gcMillis(),
                    r.seconds(), r.note() == null ? "" : r.note().replace("\"", "'")));
        }
        return b.toString();
    }

    static String markdown(List<KeyspaceSweep.Row> rows, KeyspaceSweep.Settings s) {
        StringBuilder b = new StringBuilder();
        b.append("| impl | keys | median ns/check | p99 ns/check | off-heap B/key | heap B/key | GCs | GC ms | note |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (KeyspaceSweep.Row r : rows) {
            boolean measured = !Double.isNaN(r.medianNanos());
            b.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s | %s | %s |%n", r.impl(), r.keys(),
                    measured ? String.format(Locale.ROOT, "%.1f", r.medianNanos()) : "",
                    measured ? String.format(Locale.ROOT, "%.1f", r.p99Nanos()) : "",
                    measured ? num(r.offHeapBytesPerKey()) : "", measured ? num(r.heapBytesPerKey()) : "",
                    measured ? Long.toString(r.gcCount()) : "", measured ? Long.toString(r.gcMillis()) : "",
                    r.note() == null ? "" : r.note()));
        }
        return b.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f", v);
    }
}
