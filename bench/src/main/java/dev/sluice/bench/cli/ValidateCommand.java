package dev.sluice.bench.cli;

import dev.sluice.Algorithm;
import dev.sluice.Clock;
import dev.sluice.Decision;
import dev.sluice.LimiterConfig;
import dev.sluice.ManualClock;
import dev.sluice.Rate;
import dev.sluice.RateLimiter;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice validate}: the validation scenarios of the behaviour specification (section 6).
 *
 * <ul>
 *   <li>(a) N users, each at twice its limit for several windows, once per algorithm: about half blocked.
 *   <li>(b) three limiter instances each taking a third of one user's requests, twice its limit, for two windows:
 *       on Redis the instances share counters (exactly half blocked); on the memory backend each instance
 *       sees a third of the traffic and blocks nothing, which is the reason Redis exists.
 * </ul>
 *
 * <p>Not thread-safe: one command line at a time.
 */
@Command(name = "validate", sortOptions = false, abbreviateSynopsis = true,
        synopsisHeading = "Usage: ", descriptionHeading = "%n", footerHeading = "%n",
        header = "the behaviour specification's validation scenarios: ~50%% blocked at twice the limit for each"
                + " algorithm, and three instances sharing a limit through Redis",
        description = {
            "sluice validate: reproduce the validation scenarios of the behaviour specification (section 6).",
            "",
            "(a) USERS users, each sending twice its limit for WINDOWS windows, for each algorithm: prints the"
                + " percentage blocked; fails (exit 1) when one is outside 45-55%%. Runs on the memory backend in"
                + " compressed time, and with --redis also on Redis in real time (at --redis-rate).",
            "(b) three limiter instances each taking a third of one user's requests, at twice the limit, for two"
                + " windows. On Redis (--redis) they share counters: exactly half allowed (60 of 120 at 30/m). On the"
                + " memory backend each instance sees a third of the traffic and blocks nothing: the contrast."},
        optionListHeading = "%nOptions (defaults in brackets):%n",
        footer = "Example: sluice validate --redis redis://127.0.0.1:6379 --shared-rate 30/s")
final class ValidateCommand implements Callable<Integer> {
    static final double MIN_BLOCKED_PERCENT = 45;
    static final double MAX_BLOCKED_PERCENT = 55;

    /** {@code --backend}: the embedded backends. */
    static final class LocalBackend extends Flags.Choice {
        LocalBackend() {
            super(List.of("memory", "onheap"));
        }
    }

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "memory", converter = LocalBackend.class,
            completionCandidates = LocalBackend.class,
            description = "the embedded backend to validate, ${COMPLETION-CANDIDATES}; onheap is the ConcurrentHashMap"
                    + " design Sluice replaces [${DEFAULT-VALUE}]")
    String backend;

    @Option(names = "--users", paramLabel = "N", defaultValue = "100", converter = Flags.Count.class,
            description = "users in (a) [${DEFAULT-VALUE}]")
    long users;

    @Option(names = "--windows", paramLabel = "N", defaultValue = "20", converter = Flags.Count.class,
            description = "windows in (a); the token bucket starts full, so it converges to 50%% from below:"
                    + " (W-1)/2W blocked, 47.5%% at 20 [${DEFAULT-VALUE}]")
    long windows;

    @Option(names = "--rate", paramLabel = "RATE", defaultValue = "60/m", converter = Flags.RateText.class,
            description = "by_user limit in (a) on memory [${DEFAULT-VALUE}]")
    String rate;

    @Option(names = "--redis", paramLabel = "URL",
            description = "also run on Redis, e.g. redis://127.0.0.1:6379 (real time)")
    String redis;

    @Option(names = "--redis-rate", paramLabel = "RATE", defaultValue = "10/s", converter = Flags.RateText.class,
            description = "by_user limit in (a) on Redis; its run lasts WINDOWS windows [${DEFAULT-VALUE}]")
    String redisRate;

    @Option(names = "--shared-rate", paramLabel = "RATE", defaultValue = "30/m", converter = Flags.RateText.class,
            description = "by_user limit in (b); on Redis (b) lasts two windows [${DEFAULT-VALUE}]")
    String sharedRate;

    @Option(names = "--shared-algorithm", paramLabel = "NAME", defaultValue = "fixed_window",
            converter = Flags.AlgorithmName.class, completionCandidates = Flags.AlgorithmName.class,
            description = "algorithm in (b): ${COMPLETION-CANDIDATES} [${DEFAULT-VALUE}]")
    Algorithm sharedAlgorithm;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "7", converter = Flags.Count.class,
            description = "seed of the users' phases [${DEFAULT-VALUE}]")
    long seed;

    @Option(names = "--help", usageHelp = true, arity = "0", description = "this text")
    boolean help;

    @Spec
    CommandSpec spec;

    private final PrintStream out;

    ValidateCommand(PrintStream out) {
        this.out = out;
    }

    record Outcome(long allowed, long blocked) {
        double blockedPercent() {
            long total = allowed + blocked;
            return total == 0 ? 0 : 100.0 * blocked / total;
        }
    }

    @Override
    public Integer call() {
        String local = backend;
        int users = (int) Flags.within(spec, "--users", this.users, 1, 100_000);
        int windows = (int) Flags.within(spec, "--windows", this.windows, 1, 10_000);
        boolean ok = true;

        out.printf(Locale.ROOT, "(a) %d users, each at 2x by_user %s for %d windows, per algorithm%n", users, rate, windows);
        ok &= scenarioA(out, local, null, users, windows, rate, seed);
        if (redis != null) {
            out.printf(Locale.ROOT, "(a) on Redis %s, real time: %d users at 2x %s for %d windows%n", redis, users,
                    redisRate, windows);
            ok &= scenarioA(out, "redis", redis, users, windows, redisRate, seed);
        }

        Rate shared = Rate.parse(sharedRate);
        long perInstance = shared.count() * 2 / 3;
        out.printf(Locale.ROOT, "%n(b) one user at 2x by_user %s (%d requests per window) over three instances"
                + " (%d each), two windows, %s%n", sharedRate, shared.count() * 2, perInstance,
                sharedAlgorithm.configName());
        Outcome memory = scenarioB(local, null, shared, sharedAlgorithm);
        boolean memoryOk = memory.blocked() == 0;
        out.printf(Locale.ROOT, "    %-6s (each instance its own counters): allowed %d, blocked %d  %s%n",
                local, memory.allowed(), memory.blocked(), memoryOk ? "as expected: nothing blocked, no shared state"
                        : "UNEXPECTED: something was blocked");
        ok &= memoryOk;
        if (redis != null) {
            out.printf(Locale.ROOT, "    redis (shared counters, real time, %d s) ...%n", 2 * shared.windowSeconds());
            Outcome onRedis = scenarioB("redis", redis, shared, sharedAlgorithm);
            boolean redisOk = onRedis.allowed() == 2 * shared.count() && onRedis.blocked() == 2 * shared.count();
            if (sharedAlgorithm == Algorithm.TOKEN_BUCKET) {
                redisOk = onRedis.blocked() > 0;
            }
            out.printf(Locale.ROOT, "    redis  (shared counters): allowed %d, blocked %d  %s%n", onRedis.allowed(),
                    onRedis.blocked(), redisOk ? "as expected" : "UNEXPECTED: expected " + 2 * shared.count()
                            + " allowed and " + 2 * shared.count() + " blocked");
            ok &= redisOk;
        } else {
            out.printf(Locale.ROOT, "    redis: not run (add --redis URL); expected there: allowed %d, blocked %d%n",
                    2 * shared.count(), 2 * shared.count());
        }
        out.println();
        out.println(ok ? "validate: PASS" : "validate: FAIL");
        return ok ? 0 : 1;
    }

    private static boolean scenarioA(PrintStream out, String backend, String redisUrl, int users, int windows,
            String rate, long seed) {
        boolean ok = true;
        for (Algorithm algorithm : Algorithm.values()) {
            Outcome r = twiceTheLimit(backend, redisUrl, algorithm, users, windows, rate, seed);
            boolean inside = r.blockedPercent() >= MIN_BLOCKED_PERCENT && r.blockedPercent() <= MAX_BLOCKED_PERCENT;
            out.printf(Locale.ROOT, "    %-7s %-15s allowed %,9d  blocked %,9d  = %5.1f%% blocked  %s%n", backend,
                    algorithm.configName(), r.allowed(), r.blocked(), r.blockedPercent(),
                    inside ? "ok (45-55%)" : "OUTSIDE 45-55%");
            ok &= inside;
        }
        return ok;
    }

    /** Scenario (a): every user sends 2 × limit per window, evenly spaced, each with its own random phase. */
    static Outcome twiceTheLimit(String backend, String redisUrl, Algorithm algorithm, int users, int windows,
            String rate, long seed) {
        Rate r = Rate.parse(rate);
        long gapNanos = r.windowNanos() / (2 * r.count());
        long[] phase = new long[users];
        SplittableRandom random = new SplittableRandom(seed);
        Integer[] order = new Integer[users];
        for (int u = 0; u < users; u++) {
            phase[u] = random.nextLong(gapNanos);
            order[u] = u;
        }
        Arrays.sort(order, (a, b) -> Long.compare(phase[a], phase[b]));
        String[] names = new String[users];
        for (int u = 0; u < users; u++) {
            names[u] = "validate-user-" + u;
        }
        boolean real = backend.equals("redis");
        ManualClock manual = new ManualClock(Simulation.EPOCH_START_SECONDS * 1_000_000_000L);
        Clock clock = real ? Clock.system() : manual;
        LimiterConfig.Builder config = LimiterConfig.builder().algorithm(algorithm).byUser(rate)
                .redisKeyPrefix("sluice-validate-" + Long.toHexString(System.nanoTime()));
        long allowed = 0;
        long blocked = 0;
        Decision d = new Decision();
        try (RateLimiter limiter = Backends.open(backend, redisUrl, config, clock)) {
            long requestsPerUser = 2 * r.count() * windows;
            long wallStart = System.nanoTime();
            for (long k = 0; k < requestsPerUser; k++) {
                for (int i = 0; i < users; i++) {
                    int u = order[i];
                    long offset = phase[u] + k * gapNanos;
                    if (real) {
                        waitUntil(wallStart + offset);
                    } else {
                        manual.setEpochNanos(Simulation.EPOCH_START_SECONDS * 1_000_000_000L + offset);
                    }
                    if (limiter.check(names[u], null, null, d) && d.status() != dev.sluice.spi.Outcome.FAILED_OPEN) {
                        allowed++;
                    } else if (d.exceeded()) {
                        blocked++;
                    } else {
                        throw new IllegalStateException(backend + " backend failed to answer: " + d
                                + " (see the log above)");
                    }
                }
            }
        }
        return new Outcome(allowed, blocked);
    }

    /** Scenario (b): one user at 2 × limit per window for two windows, requests dealt round-robin to three instances. */
    static Outcome scenarioB(String backend, String redisUrl, Rate rate, Algorithm algorithm) {
        boolean real = backend.equals("redis");
        long start = Simulation.EPOCH_START_SECONDS * 1_000_000_000L;
        ManualClock manual = new ManualClock(start);
        Clock clock = real ? Clock.system() : manual;
        String prefix = "sluice-validate-" + Long.toHexString(System.nanoTime());
        List<RateLimiter> instances = new ArrayList<>();
        long allowed = 0;
        long blocked = 0;
        try {
            for (int i = 0; i < 3; i++) {
                instances.add(Backends.open(backend, redisUrl, LimiterConfig.builder().algorithm(algorithm)
                        .byUser(rate).redisKeyPrefix(prefix), clock));
            }
            long requests = 4 * rate.count();
            long gapNanos = rate.windowNanos() / (2 * rate.count());
            Decision d = new Decision();
            long wallStart = System.nanoTime();
            for (long k = 0; k < requests; k++) {
                if (real) {
                    waitUntil(wallStart + k * gapNanos);
                } else {
                    manual.setEpochNanos(start + k * gapNanos);
                }
                RateLimiter instance = instances.get((int) (k % 3));
                if (instance.check("alice@example.com", null, null, d) && d.status() != dev.sluice.spi.Outcome.FAILED_OPEN) {
                    allowed++;
                } else if (d.exceeded()) {
                    blocked++;
                } else {
                    throw new IllegalStateException(backend + " backend failed to answer: " + d);
                }
            }
        } finally {
            instances.forEach(RateLimiter::close);
        }
        return new Outcome(allowed, blocked);
    }

    private static void waitUntil(long nanoTime) {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
