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
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice sweep}: latency and memory per key against keyspace size, beside the memory floor.
 *
 * <p>Not thread-safe: one command line at a time.
 */
@Command(name = "sweep", sortOptions = false, abbreviateSynopsis = true,
        synopsisHeading = "Usage: ", descriptionHeading = "%n",
        header = "latency and memory per key as the keyspace grows from 10^3 to 10^8 keys, Sluice against the"
                + " on-heap map and Bucket4j; writes CSV and a PNG chart",
        description = {
            "sluice sweep: how the cost of a request and the memory per key change as the keyspace grows.",
            "",
            "For each size (powers of ten from --min-keys to --max-keys) and each implementation: charge every key"
                + " once, then time requests on keys drawn uniformly (or by Zipf), and report the mean ns per request"
                + " (batches of 1,000 timed whole), the p99 and p99.9 (requests timed one by one), the ratio to the"
                + " memory floor, off-heap and heap bytes per key, and the GC count and time. The memory floor"
                + " (memory-floor) is measured first at every size: one dependent random read over a table as large"
                + " as the store's tables for that many keys. An implementation stops growing at its time budget,"
                + " when the next size would not fit in memory, at an out-of-memory error, or when its backend fails."
                + " Writes a table here, and sweep.csv, sweep.md, sweep-info.md and sweep.png (chart) to --out."},
        optionListHeading = "%nOptions (defaults in brackets):%n")
final class SweepCommand implements Callable<Integer> {
    static final String DEFAULT_IMPLS = KeyspaceSweep.STORE_IMPL + "," + KeyspaceSweep.STORE_TOKEN_IMPL
            + ",sluice-fixed,onheap-fixed,bucket4j";

    /** {@code --distribution}: how the timed requests draw their keys. */
    static final class DistributionName extends Flags.Choice {
        DistributionName() {
            super(List.of("uniform", "zipf"));
        }
    }

    @Option(names = "--min-keys", paramLabel = "N", defaultValue = "1000", converter = Flags.Count.class,
            description = "smallest keyspace [${DEFAULT-VALUE}]")
    long minKeys;

    @Option(names = "--max-keys", paramLabel = "N", defaultValue = "1e8", converter = Flags.Count.class,
            description = "largest keyspace, e.g. 1e7 or 1e8 [${DEFAULT-VALUE}]; the on-heap rows need heap for their"
                    + " keys, the store and the floor need free memory (about 6 GB each at 1e8, one at a time):"
                    + " SLUICE_JAVA_OPTS=-Xmx16g ./sluice sweep")
    long maxKeys;

    @Option(names = "--impls", paramLabel = "LIST", defaultValue = DEFAULT_IMPLS,
            description = "any of sluice-store, sluice-store-token (the off-heap store driven directly, fixed window"
                    + " or token bucket, sized for exactly the keyspace), sluice-fixed, sluice-sliding, sluice-token"
                    + " (the full limiter), onheap-fixed, onheap-sliding, onheap-token, bucket4j, resilience4j, guava,"
                    + " agrona-fixed [${DEFAULT-VALUE}]")
    String impls;

    @Option(names = "--distribution", paramLabel = "NAME", defaultValue = "uniform",
            converter = DistributionName.class, completionCandidates = DistributionName.class,
            description = "${COMPLETION-CANDIDATES} [${DEFAULT-VALUE}]")
    String distribution;

    @Option(names = "--checks", paramLabel = "N", defaultValue = "2M", converter = Flags.Count.class,
            description = "requests timed per size, in batches and again one by one, after half as many for warm-up"
                    + " [${DEFAULT-VALUE}]")
    long checks;

    @Option(names = "--budget", paramLabel = "D", defaultValue = "3m", converter = Flags.Span.class,
            description = "time budget per implementation, e.g. 90s, 5m [${DEFAULT-VALUE}]")
    Duration budget;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench/target/sweep",
            description = "where the CSV, markdown and chart go [${DEFAULT-VALUE}]")
    Path outDir;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", converter = Flags.Count.class,
            description = "seed of the key draws and of the floor's cycle [${DEFAULT-VALUE}]")
    long seed;

    @Option(names = "--replot", paramLabel = "DIR",
            description = "measure nothing: redraw sweep.md and sweep.png from DIR/sweep.csv")
    Path replot;

    @Option(names = "--help", usageHelp = true, arity = "0", description = "this text")
    boolean help;

    @Spec
    CommandSpec spec;

    private final PrintStream out;

    SweepCommand(PrintStream out) {
        this.out = out;
    }

    KeyspaceSweep.Settings settings() {
        long min = Flags.within(spec, "--min-keys", minKeys, 1, 1_000_000_000L);
        long max = Flags.within(spec, "--max-keys", maxKeys, 1, 1_000_000_000L);
        if (max < min) {
            throw Flags.refused(spec, "--max-keys", "below --min-keys " + min);
        }
        List<String> names = Flags.items(spec, "--impls", impls);
        for (String impl : names) {
            if (!KeyspaceSweep.isStore(impl)) {
                try {
                    Impl.of(impl);
                } catch (IllegalArgumentException e) {
                    throw Flags.refused(spec, "--impls", e.getMessage() + ", " + KeyspaceSweep.STORE_IMPL + ", "
                            + KeyspaceSweep.STORE_TOKEN_IMPL);
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
        return new KeyspaceSweep.Settings(names, sizes, distribution.equals("zipf"),
                Flags.within(spec, "--checks", checks, 10_000, 1_000_000_000L),
                budget.toMillis() / 1000.0, seed);
    }

    @Override
    public Integer call() {
        System.setProperty("java.awt.headless", "true");
        KeyspaceSweep.Settings s = settings();
        if (replot != null) {
            Path dir = replot;
            try {
                List<KeyspaceSweep.Row> rows = SweepTable.readCsv(Files.readString(dir.resolve("sweep.csv"),
                        StandardCharsets.UTF_8));
                write(dir, rows, s, out);
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageException("--replot=\"" + dir + "\": " + e.getMessage());
            }
            return 0;
        }
        List<String> args = commandLine();
        Path dir = outDir;
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

    /** @return the arguments after {@code sweep}, as given, for the run's record */
    private List<String> commandLine() {
        List<String> all = spec.commandLine().getParseResult().originalArgs();
        int at = all.indexOf(spec.name());
        return all.subList(at + 1, all.size());
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
