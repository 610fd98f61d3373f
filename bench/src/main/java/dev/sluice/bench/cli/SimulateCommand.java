package dev.sluice.bench.cli;

import dev.sluice.Algorithm;
import dev.sluice.Dimension;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice simulate}: the default command. The flags are this class's fields; picocli parses them and
 * writes the help from the same annotations.
 *
 * <p>Not thread-safe: one command line at a time.
 */
@Command(name = "simulate", sortOptions = false, abbreviateSynopsis = true,
        synopsisHeading = "Usage: ", descriptionHeading = "%n", footerHeading = "%n",
        header = "(default) replay a multi-tenant workload and summarise the decisions, throughput and latency",
        description = {
            "sluice simulate: replay a multi-tenant workload against a limiter and summarise what it decided.",
            "",
            "Every user sends LOAD times its by_user limit (a Poisson stream); each request names a tool chosen by"
                + " Zipf popularity (the first tool is the most popular). The tool limits are global, shared by all"
                + " users. With --clock manual (the default) time is simulated: a 10-minute workload runs as fast as"
                + " the limiter allows. With --clock real, requests are paced against the wall clock."},
        optionListHeading = "%nOptions (defaults in brackets):%n",
        footer = {
            "Rates are COUNT/UNIT with UNIT s, m, h or d, e.g. 60/m.",
            "",
            "Example: sluice simulate --algorithm token_bucket --threads 2 --duration 5m --load 1.5"})
final class SimulateCommand implements Callable<Integer> {
    static final String DEFAULT_TOOLS = "search=8000/s,fetch=4000/s,summarize=2000/s,translate=1000/s,code_exec=500/s";
    static final String DEFAULT_BACKEND = "memory";
    static final String DEFAULT_DURATION = "10m";
    static final String REDIS_DURATION = "30s";

    /** {@link Backends#NAMES}, for {@code --backend}. */
    static final class BackendName extends Flags.Choice {
        BackendName() {
            super(Backends.NAMES);
        }
    }

    /** {@code --clock}: compressed simulated time or the wall clock. */
    static final class ClockName extends Flags.Choice {
        ClockName() {
            super(List.of("manual", "real"));
        }
    }

    @Option(names = "--backend", paramLabel = "NAME", converter = BackendName.class,
            completionCandidates = BackendName.class,
            description = "where counters live: ${COMPLETION-CANDIDATES} [" + DEFAULT_BACKEND + "; redis with --redis];"
                    + " onheap is the ConcurrentHashMap design Sluice replaces, for contrast; redis needs --redis")
    String backend;

    @Option(names = "--redis", paramLabel = "URL",
            description = "Redis to use with --backend redis, e.g. redis://127.0.0.1:6379; implies --backend redis,"
                    + " --clock real and --duration " + REDIS_DURATION)
    String redis;

    @Option(names = "--algorithm", paramLabel = "NAME", defaultValue = "fixed_window",
            converter = Flags.AlgorithmName.class, completionCandidates = Flags.AlgorithmName.class,
            description = "${COMPLETION-CANDIDATES} [${DEFAULT-VALUE}]")
    Algorithm algorithm;

    @Option(names = "--tenants", paramLabel = "N", defaultValue = "100", converter = Flags.Count.class,
            description = "tenants [${DEFAULT-VALUE}]")
    long tenants;

    @Option(names = "--users-per-tenant", paramLabel = "N", defaultValue = "100", converter = Flags.Count.class,
            description = "users in each tenant [${DEFAULT-VALUE}]")
    long usersPerTenant;

    @Option(names = "--by-user", paramLabel = "RATE", defaultValue = "60/m", converter = Flags.RateText.class,
            description = "each user's limit [${DEFAULT-VALUE}]")
    String byUser;

    @Option(names = "--by-tenant", paramLabel = "RATE", defaultValue = "8000/m", converter = Flags.RateText.class,
            description = "each tenant's limit, shared by its users [${DEFAULT-VALUE}]")
    String byTenant;

    @Option(names = "--tools", paramLabel = "LIST", defaultValue = DEFAULT_TOOLS,
            description = "tool=rate pairs, most popular first [${DEFAULT-VALUE}]")
    String tools;

    @Option(names = "--load", paramLabel = "X", defaultValue = "2.0", converter = Flags.Decimal.class,
            description = "each user's rate as a multiple of --by-user [${DEFAULT-VALUE}]")
    double load;

    @Option(names = "--zipf", paramLabel = "S", defaultValue = "1.1", converter = Flags.Decimal.class,
            description = "Zipf exponent of tool popularity, 0 = uniform [${DEFAULT-VALUE}]")
    double zipf;

    @Option(names = "--duration", paramLabel = "D", converter = Flags.Span.class,
            description = "simulated (or, with --clock real, wall) time: 500ms, 30s, 10m, 1h [" + DEFAULT_DURATION
                    + "; " + REDIS_DURATION + " on Redis]")
    Duration duration;

    @Option(names = "--clock", paramLabel = "NAME", converter = ClockName.class, completionCandidates = ClockName.class,
            description = "${COMPLETION-CANDIDATES}: compressed simulated time, or real time [manual; real on Redis]")
    String clock;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", converter = Flags.Count.class,
            description = "worker threads; users are split between them [${DEFAULT-VALUE}]")
    long threads;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", converter = Flags.Count.class,
            description = "random seed; the same seed replays the same requests [${DEFAULT-VALUE}]")
    long seed;

    @Option(names = "--quiet", arity = "0", description = "no progress line")
    boolean quiet;

    @Option(names = "--help", usageHelp = true, arity = "0", description = "this text")
    boolean help;

    @Spec
    CommandSpec spec;

    private final PrintStream out;

    SimulateCommand(PrintStream out) {
        this.out = out;
    }

    Simulation.Settings settings() {
        LinkedHashMap<String, String> toolLimits = new LinkedHashMap<>();
        for (String pair : Flags.items(spec, "--tools", tools)) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw Flags.refused(spec, "--tools", "item \"" + pair + "\" is not tool=rate (e.g. search=100/s)");
            }
            String name = pair.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (toolLimits.put(name, pair.substring(eq + 1).strip()) != null) {
                throw Flags.refused(spec, "--tools", "tool \"" + name + "\" given twice");
            }
        }
        String where = backend != null ? backend : redis != null ? "redis" : DEFAULT_BACKEND;
        boolean onRedis = where.equals("redis");
        String time = clock != null ? clock : onRedis ? "real" : "manual";
        if (onRedis && time.equals("manual")) {
            throw new UsageException("--clock=\"manual\": Redis expires keys on its own clock, so compressed time"
                    + " would not roll windows over; use --clock real with --backend redis");
        }
        Simulation.Settings s = new Simulation.Settings(
                where, redis, algorithm,
                (int) Flags.within(spec, "--tenants", tenants, 1, 1_000_000),
                (int) Flags.within(spec, "--users-per-tenant", usersPerTenant, 1, 1_000_000),
                byUser,
                byTenant,
                toolLimits,
                Flags.within(spec, "--load", load, 0.001, 1000),
                Flags.within(spec, "--zipf", zipf, 0, 10),
                duration != null ? duration : Flags.parseDuration(onRedis ? REDIS_DURATION : DEFAULT_DURATION),
                time.equals("real"),
                (int) Flags.within(spec, "--threads", threads, 1, 256),
                seed,
                quiet);
        if ((long) s.tenants() * s.usersPerTenant() > 50_000_000L) {
            throw new UsageException("--tenants=" + s.tenants() + " x --users-per-tenant=" + s.usersPerTenant()
                    + ": at most 50,000,000 users");
        }
        if (s.backend().equals("redis") && s.redisUrl() == null) {
            throw new UsageException("--backend=\"redis\": needs --redis URL, e.g. --redis redis://127.0.0.1:6379");
        }
        try {
            Simulation.config(s).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException("rates: " + e.getMessage() + " (flags --by-user, --by-tenant, --tools)");
        }
        return s;
    }

    @Override
    public Integer call() throws InterruptedException {
        Simulation.Settings s = settings();
        int users = s.tenants() * s.usersPerTenant();
        out.printf(Locale.ROOT, "sluice simulate: %s backend, %s, %d thread%s, %s%n", s.backend(),
                s.algorithm().configName(), s.threads(), s.threads() == 1 ? "" : "s",
                s.realClock() ? "real clock" : "manual clock (compressed time)");
        out.printf(Locale.ROOT, "workload: %,d tenants x %,d users = %,d users, each at %.2fx by_user %s; by_tenant %s;%n"
                + "          tools %s (Zipf s=%.2f); %s of %s time; seed %d%n",
                s.tenants(), s.usersPerTenant(), users, s.load(), s.byUser(), s.byTenant(),
                String.join(", ", Simulation.describeTools(s.tools())), s.zipf(), human(s.duration()),
                s.realClock() ? "wall" : "simulated", s.seed());
        Simulation sim = new Simulation(s, out);
        Simulation.Result r = sim.run();
        printSummary(out, s, sim.toolNames(), r);
        return r.total().failed > 0 ? 1 : 0;
    }

    static void printSummary(PrintStream out, Simulation.Settings s, String[] toolNames, Simulation.Result r) {
        Simulation.Tally t = r.total();
        out.println();
        out.printf(Locale.ROOT, "checks      %,d in %.2f s wall = %,.0f checks/s%s%n", t.checks, r.wallNanos() / 1e9,
                r.checksPerSecond(), s.realClock() ? ""
                        : String.format(Locale.ROOT, " (%.0fx faster than real time)", r.simulatedNanos() / (double) r.wallNanos()));
        out.printf(Locale.ROOT, "latency     ns per check: p50 %,d  p90 %,d  p99 %,d  p99.9 %,d  max %,d%n",
                t.latencyNanos.getValueAtPercentile(50), t.latencyNanos.getValueAtPercentile(90),
                t.latencyNanos.getValueAtPercentile(99), t.latencyNanos.getValueAtPercentile(99.9),
                t.latencyNanos.getMaxValue());
        out.println("            (System.nanoTime around each call, HdrHistogram; includes ~20-30 ns of timer cost)");
        out.printf(Locale.ROOT, "decisions   allowed %,d (%.1f%%)  blocked %,d (%.1f%%)  backend failures %,d%n",
                t.allowed, pct(t.allowed, t.checks), t.blocked, pct(t.blocked, t.checks), t.failed);
        out.println();
        out.println("dimension       evaluated        allowed        blocked  blocked%  reported as the cause");
        for (Dimension dim : Dimension.values()) {
            long[] row = t.byDimension[dim.ordinal()];
            out.printf(Locale.ROOT, "%-9s %,15d %,14d %,14d  %7.1f%%  %,d%n", dim.key(), row[0], row[1], row[2],
                    pct(row[2], row[0]), t.reportedBlocked[dim.ordinal()]);
        }
        out.println();
        out.println("tool            requests    blocked by its tool limit");
        for (int i = 0; i < toolNames.length; i++) {
            out.printf(Locale.ROOT, "%-12s %,12d    %,d (%.1f%%)%n", toolNames[i], t.toolRequests[i], t.toolBlocked[i],
                    pct(t.toolBlocked[i], t.toolRequests[i]));
        }
        out.println();
        out.println("a sample allowed decision:");
        out.println(r.allowedSample() == null ? "  (none)" : r.allowedSample());
        out.println("a sample blocked decision:");
        out.println(r.blockedSample() == null ? "  (none)" : r.blockedSample());
        if (t.failed > 0) {
            out.printf(Locale.ROOT, "%nWARNING: %,d checks failed in the backend and were %s by the fail mode.%n",
                    t.failed, "allowed or refused");
        }
    }

    static double pct(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + " h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + " min";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + " s";
        }
        return ms + " ms";
    }
}
