package dev.sluice.bench.cli;

import dev.sluice.Algorithm;
import dev.sluice.Clock;
import dev.sluice.Decision;
import dev.sluice.Dimension;
import dev.sluice.LimiterConfig;
import dev.sluice.ManualClock;
import dev.sluice.Rate;
import dev.sluice.RateLimiter;
import dev.sluice.bench.workload.Zipf;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The {@code simulate} workload: {@code tenants × usersPerTenant} users, each sending {@code load} times its
 * {@code by_user} limit as a Poisson stream, each request for a tool drawn by Zipf popularity. Time is either
 * compressed (a {@link ManualClock}, or explicit request times with several threads, which move through
 * simulated time in lock-step slices of 100 ms) or real (requests paced against the system clock).
 *
 * <p>Not thread-safe: one run at a time.
 */
final class Simulation {
    static final long EPOCH_START_SECONDS = 1_767_225_600L; // 2026-01-01T00:00:00Z
    private static final long SLICE_NANOS = 100_000_000L;
    /** The embedded backend's default {@code memory_max_keys}. */
    private static final long DEFAULT_MEMORY_MAX_KEYS = 1_000_000L;

    record Settings(String backend, String redisUrl, Algorithm algorithm, int tenants, int usersPerTenant,
            String byUser, String byTenant, LinkedHashMap<String, String> tools, double load, double zipf,
            Duration duration, boolean realClock, int threads, long seed, boolean quiet) {
    }

    /** Counts one worker keeps; merged at the end. */
    static final class Tally {
        long checks;
        long allowed;
        long blocked;
        long failed;
        final long[][] byDimension = new long[3][3]; // [user|tenant|tool][evaluated, allowed, blocked]
        final long[] reportedBlocked = new long[3];
        final long[] toolRequests;
        final long[] toolBlocked;
        final Histogram latencyNanos = new Histogram(10_000_000_000L, 3);
        final AtomicLong published = new AtomicLong();
        final AtomicLong publishedBlocked = new AtomicLong();
        volatile long simulatedNanos;

        Tally(int tools) {
            toolRequests = new long[tools];
            toolBlocked = new long[tools];
        }

        void add(Tally o) {
            checks += o.checks;
            allowed += o.allowed;
            blocked += o.blocked;
            failed += o.failed;
            for (int d = 0; d < 3; d++) {
                for (int k = 0; k < 3; k++) {
                    byDimension[d][k] += o.byDimension[d][k];
                }
                reportedBlocked[d] += o.reportedBlocked[d];
            }
            for (int t = 0; t < toolRequests.length; t++) {
                toolRequests[t] += o.toolRequests[t];
                toolBlocked[t] += o.toolBlocked[t];
            }
            latencyNanos.add(o.latencyNanos);
        }
    }

    /** The outcome of a run, for the summary and for tests. */
    record Result(Tally total, long wallNanos, long simulatedNanos, String allowedSample, String blockedSample) {
        double checksPerSecond() {
            return total.checks / (wallNanos / 1e9);
        }
    }

    private final Settings s;
    private final PrintStream out;
    private final String[] toolNames;
    private volatile String allowedSample;
    private volatile String blockedSample;

    Simulation(Settings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
        this.toolNames = settings.tools().keySet().toArray(new String[0]);
    }

    static LimiterConfig.Builder config(Settings s) {
        LimiterConfig.Builder b = LimiterConfig.builder().algorithm(s.algorithm()).byUser(s.byUser())
                .byTenant(s.byTenant())
                .memoryMaxKeys(Math.max(DEFAULT_MEMORY_MAX_KEYS,
                        2L * s.tenants() * s.usersPerTenant() + 1024));
        s.tools().forEach(b::byTool);
        return b;
    }

    Result run() throws InterruptedException {
        long startEpochNanos = EPOCH_START_SECONDS * 1_000_000_000L;
        ManualClock manual = new ManualClock(startEpochNanos);
        Clock clock = s.realClock() ? Clock.system() : manual;
        try (RateLimiter limiter = Backends.open(s.backend(), s.redisUrl(), config(s), clock)) {
            Rate userRate = limiter.config().byUser();
            int users = s.tenants() * s.usersPerTenant();
            double perUserPerSecond = s.load() * userRate.count() / userRate.windowSeconds();
            long durationNanos = s.duration().toNanos();
            int threads = s.threads();
            Tally[] tallies = new Tally[threads];
            for (int t = 0; t < threads; t++) {
                tallies[t] = new Tally(toolNames.length);
            }
            Phaser slices = new Phaser(threads);
            Thread[] workers = new Thread[threads];
            long wallStart = System.nanoTime();
            RuntimeException[] failure = new RuntimeException[1];
            for (int t = 0; t < threads; t++) {
                int id = t;
                workers[t] = Thread.ofPlatform().name("simulate-" + t).start(() -> {
                    try {
                        drive(limiter, manual, id, users, perUserPerSecond, durationNanos, startEpochNanos,
                                wallStart, tallies[id], slices);
                    } catch (RuntimeException e) {
                        synchronized (failure) {
                            failure[0] = e;
                        }
                        slices.forceTermination();
                    }
                });
            }
            Progress progress = new Progress(out, s.quiet(), tallies, durationNanos, wallStart);
            for (Thread w : workers) {
                while (w.isAlive()) {
                    w.join(progress.intervalMillis());
                    progress.print(false);
                }
            }
            long wall = System.nanoTime() - wallStart;
            progress.print(true);
            synchronized (failure) {
                if (failure[0] != null) {
                    throw failure[0];
                }
            }
            Tally total = new Tally(toolNames.length);
            for (Tally t : tallies) {
                total.add(t);
            }
            return new Result(total, wall, durationNanos, allowedSample, blockedSample);
        }
    }

    private void drive(RateLimiter limiter, ManualClock manual, int id, int users, double perUserPerSecond,
            long durationNanos, long startEpochNanos, long wallStart, Tally tally, Phaser slices) {
        int threads = s.threads();
        int mine = users / threads + (id < users % threads ? 1 : 0);
        String[] userIds = new String[mine];
        String[] tenantIds = new String[mine];
        for (int i = 0; i < mine; i++) {
            int u = id + i * threads;
            int tenant = u / s.usersPerTenant();
            userIds[i] = String.format(Locale.ROOT, "user-%05d@tenant-%03d", u % s.usersPerTenant(), tenant);
            tenantIds[i] = String.format(Locale.ROOT, "tenant-%03d", tenant);
        }
        SplittableRandom random = new SplittableRandom(s.seed() * 1_000_003L + id);
        Zipf toolPick = new Zipf(toolNames.length, s.zipf(), random.split());
        double meanGapNanos = 1e9 / (perUserPerSecond * mine);
        Decision d = new Decision();
        boolean singleManual = !s.realClock() && threads == 1;
        boolean lockStep = !s.realClock() && threads > 1;
        long sliceEnd = SLICE_NANOS;
        long offset = (long) (-Math.log(1 - random.nextDouble()) * meanGapNanos);
        int sinceBatch = 0;
        while (offset < durationNanos && mine > 0) {
            if (lockStep && offset >= sliceEnd) {
                tally.simulatedNanos = sliceEnd;
                if (slices.arriveAndAwaitAdvance() < 0) {
                    return;
                }
                sliceEnd += SLICE_NANOS;
                continue;
            }
            if (s.realClock()) {
                long wait = wallStart + offset - System.nanoTime();
                if (wait > 50_000) {
                    LockSupport.parkNanos(wait);
                }
            }
            int who = random.nextInt(mine);
            int tool = toolPick.next();
            long epochNanos = startEpochNanos + offset;
            long t0 = System.nanoTime();
            boolean allowed;
            if (singleManual) {
                manual.setEpochNanos(epochNanos);
                allowed = limiter.check(userIds[who], tenantIds[who], toolNames[tool], d);
            } else if (lockStep) {
                allowed = limiter.check(userIds[who], tenantIds[who], toolNames[tool], epochNanos, d);
            } else {
                allowed = limiter.check(userIds[who], tenantIds[who], toolNames[tool], d);
            }
            long t1 = System.nanoTime();
            tally.latencyNanos.recordValue(Math.min(t1 - t0, 10_000_000_000L));
            count(tally, d, allowed, tool, userIds[who], tenantIds[who]);
            if (++sinceBatch == (s.realClock() ? 1 : 1024)) {
                tally.published.setRelease(tally.checks);
                tally.publishedBlocked.setRelease(tally.blocked);
                tally.simulatedNanos = offset;
                sinceBatch = 0;
            }
            offset += (long) (-Math.log(1 - random.nextDouble()) * meanGapNanos);
        }
        tally.published.setRelease(tally.checks);
        tally.publishedBlocked.setRelease(tally.blocked);
        tally.simulatedNanos = durationNanos;
        if (lockStep) {
            slices.arriveAndDeregister();
        }
    }

    private void count(Tally tally, Decision d, boolean allowed, int tool, String user, String tenant) {
        tally.checks++;
        tally.toolRequests[tool]++;
        switch (d.status()) {
            case FAILED_OPEN, FAILED_CLOSED -> tally.failed++;
            default -> {
            }
        }
        if (allowed) {
            tally.allowed++;
        } else {
            tally.blocked++;
        }
        for (int i = 0; i < d.dimensionCount(); i++) {
            long[] row = tally.byDimension[d.dimension(i).ordinal()];
            row[0]++;
            if (d.dimensionAllowed(i)) {
                row[1]++;
            } else {
                row[2]++;
                if (d.dimension(i) == Dimension.TOOL) {
                    tally.toolBlocked[tool]++;
                }
            }
        }
        if (d.exceeded()) {
            tally.reportedBlocked[d.reportedDimension().ordinal()]++;
        }
        if (allowed && allowedSample == null && d.limited()) {
            allowedSample = sample(d, user, tenant, toolNames[tool]);
        } else if (!allowed && blockedSample == null && d.exceeded()) {
            blockedSample = sample(d, user, tenant, toolNames[tool]);
        }
    }

    private static String sample(Decision d, String user, String tenant, String tool) {
        return "  request  check(\"" + user + "\", \"" + tenant + "\", \"" + tool + "\") -> HTTP " + d.httpStatus()
                + (d.description() == null ? "" : " (" + d.description() + ")") + "\n"
                + "  headers  " + d.headers() + "\n"
                + "  metadata " + d.metadata();
    }

    String[] toolNames() {
        return toolNames.clone();
    }

    /** The live progress line: rewritten in place on a terminal, plain lines every few seconds otherwise. */
    private static final class Progress {
        private final PrintStream out;
        private final boolean quiet;
        private final boolean tty;
        private final Tally[] tallies;
        private final long durationNanos;
        private final long wallStart;
        private long lastPrint;

        // The null check guards a JDK that still has no console; out must be System.out itself to be the terminal.
        @SuppressWarnings({"SystemConsoleNull", "ReferenceEquality"})
        Progress(PrintStream out, boolean quiet, Tally[] tallies, long durationNanos, long wallStart) {
            this.out = out;
            this.quiet = quiet;
            this.tty = System.console() != null && System.console().isTerminal() && out == System.out;
            this.tallies = tallies;
            this.durationNanos = durationNanos;
            this.wallStart = wallStart;
            this.lastPrint = wallStart;
        }

        long intervalMillis() {
            return tty ? 250 : 500;
        }

        void print(boolean last) {
            if (quiet) {
                return;
            }
            long now = System.nanoTime();
            if (!tty && !last && now - lastPrint < 5_000_000_000L) {
                return;
            }
            if (!tty && last) {
                return;
            }
            lastPrint = now;
            long checks = 0;
            long blocked = 0;
            long simulated = Long.MAX_VALUE;
            for (Tally t : tallies) {
                checks += t.published.getAcquire();
                blocked += t.publishedBlocked.getAcquire();
                simulated = Math.min(simulated, t.simulatedNanos);
            }
            double wall = (now - wallStart) / 1e9;
            String line = String.format(Locale.ROOT, "[%6.1fs] simulated %s / %s  checks %,d  %,.0f/s  blocked %.1f%%",
                    wall, clock(simulated), clock(durationNanos), checks, checks / Math.max(wall, 1e-9),
                    checks == 0 ? 0.0 : 100.0 * blocked / checks);
            if (tty) {
                out.print("\r" + line + "   ");
                if (last) {
                    out.println();
                }
            } else {
                out.println(line);
            }
            out.flush();
        }

        private static String clock(long nanos) {
            long s = nanos / 1_000_000_000L;
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
    }

    static List<String> describeTools(Map<String, String> tools) {
        List<String> out = new ArrayList<>();
        tools.forEach((k, v) -> out.add(k + " " + v));
        return out;
    }
}
