package dev.sluice.bench.cli;

import dev.sluice.Algorithm;
import dev.sluice.Dimension;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code sluice simulate}: the default command. */
final class SimulateCommand {
    static final Set<String> VALUED = Set.of("backend", "redis", "algorithm", "tenants", "users-per-tenant",
            "by-user", "by-tenant", "tools", "load", "zipf", "duration", "clock", "threads", "seed");
    static final Set<String> SWITCHES = Set.of("help", "quiet");
    static final String DEFAULT_TOOLS = "search=8000/s,fetch=4000/s,summarize=2000/s,translate=1000/s,code_exec=500/s";

    static final String HELP = """
            sluice simulate: replay a multi-tenant workload against a limiter and summarise what it decided.

            Every user sends LOAD times its by_user limit (a Poisson stream); each request names a tool chosen
            by Zipf popularity (the first tool is the most popular). The tool limits are global, shared by all
            users. With --clock manual (the default) time is simulated: a 10-minute workload runs as fast as the
            limiter allows. With --clock real, requests are paced against the wall clock.

            Options (defaults in brackets):
              --backend memory|onheap|redis  where counters live [memory]; onheap is the ConcurrentHashMap
                                         design Sluice replaces, for contrast; redis needs --redis
              --redis URL                Redis to use with --backend redis, e.g. redis://127.0.0.1:6379;
                                         implies --backend redis, --clock real and --duration 30s
              --algorithm NAME           fixed_window | sliding_window | token_bucket [fixed_window]
              --tenants N                tenants [100]
              --users-per-tenant N       users in each tenant [100]
              --by-user RATE             each user's limit [60/m]
              --by-tenant RATE           each tenant's limit, shared by its users [8000/m]
              --tools LIST               tool=rate pairs, most popular first
                                         [%s]
              --load X                   each user's rate as a multiple of --by-user [2.0]
              --zipf S                   Zipf exponent of tool popularity, 0 = uniform [1.1]
              --duration D               simulated (or, with --clock real, wall) time: 500ms, 30s, 10m, 1h
                                         [10m; 30s on Redis]
              --clock manual|real        compressed simulated time, or real time [manual; real on Redis]
              --threads N                worker threads; users are split between them [1]
              --seed N                   random seed; the same seed replays the same requests [42]
              --quiet                    no progress line
              --help                     this text

            Rates are COUNT/UNIT with UNIT s, m, h or d, e.g. 60/m.

            Example: sluice simulate --algorithm token_bucket --threads 2 --duration 5m --load 1.5
            """.formatted(DEFAULT_TOOLS);

    private SimulateCommand() {
    }

    static Simulation.Settings settings(Options o) {
        String backend = o.choice("backend", "memory", Backends.NAMES);
        Algorithm algorithm = Backends.algorithm(o, "algorithm", Algorithm.FIXED_WINDOW);
        LinkedHashMap<String, String> tools = new LinkedHashMap<>();
        for (String pair : o.list("tools", List.of(DEFAULT_TOOLS.split(",")))) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new UsageException("--tools=\"" + o.string("tools", DEFAULT_TOOLS) + "\": item \"" + pair
                        + "\" is not tool=rate (e.g. search=100/s)");
            }
            String name = pair.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (tools.put(name, pair.substring(eq + 1).strip()) != null) {
                throw new UsageException("--tools=\"" + o.string("tools", DEFAULT_TOOLS) + "\": tool \"" + name + "\" given twice");
            }
        }
        String redis = o.string("redis", null);
        if (redis != null && !o.has("backend")) {
            backend = "redis";
        }
        boolean onRedis = backend.equals("redis");
        String clock = o.choice("clock", onRedis ? "real" : "manual", List.of("manual", "real"));
        if (onRedis && clock.equals("manual")) {
            throw new UsageException("--clock=\"manual\": Redis expires keys on its own clock, so compressed time"
                    + " would not roll windows over; use --clock real with --backend redis");
        }
        Simulation.Settings s = new Simulation.Settings(
                backend, redis, algorithm,
                o.intValue("tenants", 100, 1, 1_000_000),
                o.intValue("users-per-tenant", 100, 1, 1_000_000),
                o.string("by-user", "60/m"),
                o.string("by-tenant", "8000/m"),
                tools,
                o.doubleValue("load", 2.0, 0.001, 1000),
                o.doubleValue("zipf", 1.1, 0, 10),
                o.duration("duration", onRedis ? Duration.ofSeconds(30) : Duration.ofMinutes(10)),
                clock.equals("real"),
                o.intValue("threads", 1, 1, 256),
                o.longValue("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE),
                o.flag("quiet"));
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

    static int run(Options o, PrintStream out) throws InterruptedException {
        Simulation.Settings s = settings(o);
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
