package dev.sluice.bench.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice jmh}: runs the JMH suite of this jar. Arguments go to JMH; the short defaults fill in the
 * timing options the caller did not give, and without a benchmark pattern the suite of
 * {@code dev.sluice.bench.jmh} runs. JMH's listing options ({@code -h}, {@code -l}, ...) pass through alone.
 * Only {@code --help} (and {@code help} alone) is this command's own; {@link SluiceCli} parses the rest as
 * positional arguments, so JMH's single-dash options reach JMH unchanged.
 *
 * <p>Not thread-safe: one command line at a time.
 */
@Command(name = "jmh", abbreviateSynopsis = true,
        synopsisHeading = "Usage: ", descriptionHeading = "%n", footerHeading = "%n",
        header = "run the JMH benchmarks against Bucket4j, Resilience4j, Guava and the raw floor",
        description = {
            "sluice jmh [JMH ARGS]: run the JMH suite (package " + JmhCommand.SUITE + ") in this jar.",
            "",
            "Defaults: " + JmhCommand.DEFAULT_ARGS + ", filled in where you give none of your own; without a"
                + " benchmark pattern, the suite " + JmhCommand.SUITE + ". Other arguments go to JMH unchanged, so a"
                + " regular expression selects benchmarks and -p fixes parameters, for example:",
            "",
            "  sluice jmh SingleKey -p impl=sluice-fixed,bucket4j -prof gc",
            "  sluice jmh Contention -t 4 -rf json -rff contention-4.json",
            "  sluice jmh -h                         (JMH's own options)",
            "  sluice jmh -l                         (list the benchmarks)"},
        parameterListHeading = "%n",
        footer = {
            "Benchmarks: SingleKeyBenchmark (allowed and blocked path, one key), ThreeDimensionBenchmark (user, tenant"
                + " and tool), RandomKeysBenchmark (10k to 10M keys, uniform or Zipf), ContentionBenchmark (one shared"
                + " key or a key per thread; run with -t 2, -t 4, -t 8), FloorBenchmark (one AtomicLong CAS, one"
                + " MemorySegment CAS, on a shared word or a word per thread). Each request's identities are decoded"
                + " from bytes into new strings in the benchmark method; impl=baseline does only that, so a row's"
                + " figure less the baseline's is the limiter's own cost. bench/scripts/run-benchmarks.sh runs the"
                + " set that docs/benchmarks.md reports."})
final class JmhCommand implements Callable<Integer> {
    /** Short, real runs: one fork, 2 warm-up and 3 measured iterations of one second. */
    static final String DEFAULT_ARGS = "-f 1 -wi 2 -i 3 -w 1s -r 1s";
    static final List<String> DEFAULTS = List.of(DEFAULT_ARGS.split(" "));

    /** The suite's own benchmarks, without the store's and Redis's micro-benchmarks in the same jar. */
    static final String SUITE = "dev.sluice.bench.jmh";
    private static final List<String> LISTING = List.of("-h", "-l", "-lp", "-lprof", "-lrf");

    @Parameters(paramLabel = "JMH ARGS", description = "a benchmark pattern and JMH's options, passed to JMH")
    List<String> args = new ArrayList<>();

    @Option(names = "--help", usageHelp = true, arity = "0", description = "this text")
    boolean help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (args.equals(List.of("help"))) {
            spec.commandLine().usage(spec.commandLine().getOut());
            return 0;
        }
        org.openjdk.jmh.Main.main(jmhArgs(args).toArray(new String[0]));
        return 0;
    }

    static List<String> jmhArgs(List<String> args) {
        if (args.stream().anyMatch(LISTING::contains)) {
            return List.copyOf(args);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < DEFAULTS.size(); i += 2) {
            if (!args.contains(DEFAULTS.get(i))) {
                out.add(DEFAULTS.get(i));
                out.add(DEFAULTS.get(i + 1));
            }
        }
        boolean pattern = false;
        for (int i = 0; i < args.size(); i++) {
            boolean value = i > 0 && args.get(i - 1).startsWith("-") && !LISTING.contains(args.get(i - 1));
            if (!args.get(i).startsWith("-") && !value) {
                pattern = true;
            }
        }
        if (!pattern) {
            out.add(SUITE);
        }
        out.addAll(args);
        return out;
    }
}
