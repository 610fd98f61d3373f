package dev.sluice.bench.cli;

import dev.sluice.bench.peers.Impl;
import dev.sluice.bench.sweep.KeyspaceSweep;
import dev.sluice.bench.sweep.SweepChart;
import dev.sluice.bench.sweep.SweepTable;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code sluice sweep}: latency and memory per key against keyspace size, beside the memory floor. */
final class SweepCommand {
    static final Set<String> VALUED = Set.of("min-keys", "max-keys", "impls", "distribution", "checks", "budget",
            "out", "seed", "replot");
    static final Set<String> SWITCHES = Set.of("help");
    static final List<String> DEFAULT_IMPLS = List.of(KeyspaceSweep.STORE_IMPL, KeyspaceSweep.STORE_TOKEN_IMPL, "sluice-fixed",
            "onheap-fixed", "bucket4j");

    static final String HELP = """
            sluice sweep: how the cost of a request and the memory per key change as the keyspace grows.

            For each size (powers of ten from --min-keys to --max-keys) and each implementation: charge every
            key once, then time requests on keys drawn uniformly (or by Zipf), and report the mean ns per
            request (batches of 1,000 timed whole), the p99 and p99.9 (requests timed one by one), the ratio
            to the memory floor, off-heap and heap bytes per key, and the GC count and time. The memory floor
            (memory-floor) is measured first at every size: one dependent random read over a table as large
            as the store's tables for that many keys. An implementation stops growing at its time budget, when
            the next size would not fit in memory, at an out-of-memory error, or when its backend fails.
            Writes a table here, and sweep.csv, sweep.md, sweep-info.md and sweep.png (chart) to --out.

            Options (defaults in brackets):
              --min-keys N          smallest keyspace [1000]
              --max-keys N          largest keyspace, e.g. 1e7 or 1e8 [1e8]; the on-heap rows need heap for
                                    their keys, the store and the floor need free memory (about 6 GB each at
                                    1e8, one at a time): SLUICE_JAVA_OPTS=-Xmx16g ./sluice sweep
              --impls LIST          any of sluice-store, sluice-store-token (the off-heap store driven
                                    directly, fixed window or token bucket, sized for exactly the keyspace),
                                    sluice-fixed, sluice-sliding, sluice-token (the full limiter),
                                    onheap-fixed, onheap-sliding, onheap-token, bucket4j, resilience4j, guava,
                                    agrona-fixed [%s]
              --distribution NAME   uniform | zipf [uniform]
              --checks N            requests timed per size, in batches and again one by one, after half as
                                    many for warm-up [2M]
              --budget D            time budget per implementation, e.g. 90s, 5m [3m]
              --out DIR             where the CSV, markdown and chart go [bench/target/sweep]
              --seed N              seed of the key draws and of the floor's cycle [1]
              --replot DIR          measure nothing: redraw sweep.md and sweep.png from DIR/sweep.csv
              --help                this text
            """.formatted(String.join(",", DEFAULT_IMPLS));

    private SweepCommand() {
    }

    static KeyspaceSweep.Settings settings(Options o) {
        long min = o.longValue("min-keys", 1_000, 1, 1_000_000_000L);
        long max = o.longValue("max-keys", 100_000_000, 1, 1_000_000_000L);
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

    /**
     * @param args the command line after {@code sweep}, for the record in {@code sweep-info.md}
     */
    static int run(Options o, List<String> args, PrintStream out) {
        System.setProperty("java.awt.headless", "true");
        KeyspaceSweep.Settings s = settings(o);
        if (o.has("replot")) {
            Path dir = Path.of(o.string("replot", "."));
            try {
                List<KeyspaceSweep.Row> rows = SweepTable.readCsv(Files.readString(dir.resolve("sweep.csv"),
                        StandardCharsets.UTF_8));
                write(dir, rows, s, out);
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageException("--replot=\"" + dir + "\": " + e.getMessage());
            }
            return 0;
        }
        Path dir = Path.of(o.string("out", "bench/target/sweep"));
        String started = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        out.printf(Locale.ROOT, "sluice sweep: %s keys, sizes %s, %,d timed requests per size, budget %.0f s per implementation, max heap %,d MiB%n",
                s.zipf() ? "Zipf (s=0.99)" : "uniform", s.sizes(), s.checksPerSize(), s.budgetSeconds(),
                Runtime.getRuntime().maxMemory() >> 20);
        KeyspaceSweep sweep = new KeyspaceSweep(s, out);
        String info = info(started, args, sweep);
        out.print(info);
        out.println(KeyspaceSweep.header());
        List<KeyspaceSweep.Row> rows = sweep.run();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("sweep-info.md"), info, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("sweep.csv"), SweepTable.csv(rows), StandardCharsets.UTF_8);
            write(dir, rows, s, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }

    /** The run's record: date, command line, JVM, pages, and what a request timed alone carries. */
    private static String info(String started, List<String> args, KeyspaceSweep sweep) {
        List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
        return String.format(Locale.ROOT, """
                Sweep run: %s; `sluice sweep %s` in a JVM with `%s` (max heap %,d MiB).

                %s Each request timed alone (p99, p99.9) includes one reading of the clock, about %.0f ns here.

                """, started, String.join(" ", args), String.join(" ", jvm), Runtime.getRuntime().maxMemory() >> 20,
                sweep.pages(), sweep.clockNanos());
    }

    private static void write(Path dir, List<KeyspaceSweep.Row> rows, KeyspaceSweep.Settings s, PrintStream out)
            throws IOException {
        Files.writeString(dir.resolve("sweep.md"), SweepTable.markdown(rows), StandardCharsets.UTF_8);
        File png = dir.resolve("sweep.png").toFile();
        SweepChart.write(rows, png, "Keyspace sweep: one thread, " + (s.zipf() ? "Zipf" : "uniform")
                + " keys, fixed window, beside the memory floor");
        out.println();
        out.println("wrote " + dir.resolve("sweep.md") + " and " + png + " (data: " + dir.resolve("sweep.csv") + ")");
    }
}
