package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.spi.BackendException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link RateLimiter#stats()}: what each limit allowed, refused and could not answer. */
class LimitStatsTest {
    private static final long T0 = 1_000_000_000_000L;

    @Test
    void aNewLimiterHasEveryLimitAtZeroInEvaluationOrder() {
        try (RateLimiter limiter = RateLimiter.create(LimiterConfig.builder().limit(Limit.named("api").key("api_key")
                .rates("5/s")).byTool("search", "1/s").byUser("1/s").build(), new ManualClock(T0))) {
            Map<String, LimitStats> limits = limiter.stats().limits();
            assertEquals(List.of("user", "tool", "api"), List.copyOf(limits.keySet()));
            assertEquals(List.of(new LimitStats(0, 0, 0)), List.copyOf(new java.util.HashSet<>(limits.values())));
            assertThrows(UnsupportedOperationException.class, () -> limits.put("x", new LimitStats(0, 0, 0)));
        }
    }

    @Test
    void permissiveModeCountsWhatALimitWasOverThoughTheRequestProceeds() {
        try (RateLimiter limiter = RateLimiter.create(LimiterConfig.builder().byUser("2/m").mode(Mode.PERMISSIVE)
                .build(), new ManualClock(T0))) {
            for (int i = 0; i < 5; i++) {
                assertTrue(limiter.check("alice", null, null).allowed());
            }
            assertEquals(new LimitStats(2, 3, 0), limiter.stats().limits().get("user"));
        }
    }

    @Test
    void disabledModeAndRequestsThatNoLimitAppliesToCountNothing() {
        try (RateLimiter disabled = RateLimiter.create(LimiterConfig.builder().byUser("2/m").mode(Mode.DISABLED)
                .build(), new ManualClock(T0));
                RateLimiter byTool = RateLimiter.create(LimiterConfig.builder().byTool("search", "2/m").build(),
                        new ManualClock(T0))) {
            disabled.check("alice", null, null);
            byTool.check("alice", null, "fetch");
            byTool.check("alice", null, null);
            assertEquals(Map.of("user", new LimitStats(0, 0, 0)), disabled.stats().limits());
            assertEquals(Map.of("tool", new LimitStats(0, 0, 0)), byTool.stats().limits());
        }
    }

    @Test
    void aFailedBackendCountsFailedForEveryLimitTheRequestHadWhateverTheFailMode() {
        for (FailMode failMode : List.of(FailMode.OPEN, FailMode.CLOSED)) {
            LimiterConfig config = LimiterConfig.builder().byUser("10/m").byTenant("10/m").byTool("search", "5/s")
                    .failMode(failMode).build();
            try (RateLimiter limiter = RateLimiter.create(config, new ManualClock(T0),
                    ScriptedBackend.throwing(new BackendException("down")))) {
                limiter.check("alice", "acme", "search");
                limiter.check("alice", null, "search");
                limiter.peek(new Request().user("alice"));
                assertEquals(Map.of("user", new LimitStats(0, 0, 2), "tenant", new LimitStats(0, 0, 1),
                        "tool", new LimitStats(0, 0, 2)), limiter.stats().limits(), failMode.toString());
                assertEquals(3, limiter.stats().backendFailures(), "the failed peek is a failure, but no limit's check");
            }
        }
    }

    @Test
    void asynchronousChecksCountAsChecksDo() throws Exception {
        try (RateLimiter limiter = RateLimiter.create(LimiterConfig.builder().byUser("1/m").build(),
                new ManualClock(T0))) {
            limiter.checkAsync("alice", null, null).toCompletableFuture().get();
            limiter.checkAsync(new Request().user("alice")).toCompletableFuture().get();
            assertEquals(new LimitStats(1, 1, 0), limiter.stats().limits().get("user"));
        }
    }

    /**
     * A reused decision counts in a tally of its own after its first checks; dropped decisions are folded into the
     * limiter's counts when collected, so none of their checks is lost and no tally outlives its decision.
     */
    @Test
    void countsOfDecisionsThatWereDroppedAndCollectedAreKept() throws InterruptedException {
        int decisions = 200;
        int checks = LimitCounters.TALLY_AFTER + 25;
        try (RateLimiter limiter = RateLimiter.create(LimiterConfig.builder().byUser("10/m").byTenant("100000/m")
                .build(), new ManualClock(T0))) {
            for (int i = 0; i < decisions; i++) {
                Decision d = new Decision();
                for (int c = 0; c < checks; c++) {
                    limiter.check("u" + i, "acme", null, d);
                }
            }
            LimitCounters counters = limiter.countersForTest();
            Map<String, LimitStats> expected = Map.of("user", new LimitStats(10L * decisions,
                    (long) (checks - 10) * decisions, 0), "tenant", new LimitStats((long) checks * decisions, 0, 0));
            assertEquals(expected, limiter.stats().limits(), "while the decisions may still be reachable");
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (counters.liveTalliesForTest() > 0 && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(20);
            }
            assertEquals(0, counters.liveTalliesForTest(), "every dropped decision's tally was folded");
            assertEquals(expected, limiter.stats().limits(), "after they were collected");
        }
    }

    /**
     * One reused decision, requests whose attributes vary at random, so that the set of limits a check has changes
     * from check to check, past the sets a decision's tally keeps counts by; limits of one and of two rates, and a
     * configuration of more limits than the 64 that have a bit. The expected counts are read from each decision's
     * own dimensions: a limit that had a dimension in the check counts once, refused when any of its dimensions
     * was blocked.
     */
    @ParameterizedTest(name = "{0} custom limits, seed {1}")
    @CsvSource({"4, 11", "4, 12", "70, 13"})
    void countsFollowTheLimitsEachCheckHadAsTheyChange(int customLimits, long seed) {
        LimiterConfig.Builder builder = LimiterConfig.builder().byUser("30/m").byTenant("50/m")
                .byTool("search", "20/m").byTool("fetch", "25/m");
        for (int k = 0; k < customLimits; k++) {
            // Two rates on every third limit; attributes a0..a5 are set at random per request.
            Limit.Builder limit = Limit.named("c" + k).key("a" + k % 6);
            builder.limit(k % 3 == 0 ? limit.rates((5 + k) + "/m", (40 + k) + "/h") : limit.rates((7 + k) + "/m"));
        }
        Map<String, long[]> expected = new LinkedHashMap<>();
        try (RateLimiter limiter = RateLimiter.create(builder.build(), new ManualClock(T0))) {
            limiter.stats().limits().keySet().forEach(name -> expected.put(name, new long[2]));
            SplittableRandom random = new SplittableRandom(seed);
            Request r = new Request();
            Decision d = new Decision();
            for (int c = 0; c < 3000; c++) {
                r.clear().user("u" + random.nextInt(8));
                if (random.nextBoolean()) {
                    r.tenant("t" + random.nextInt(3));
                }
                int tool = random.nextInt(4);
                r.tool(tool == 0 ? "search" : tool == 1 ? "fetch" : tool == 2 ? "other" : null);
                for (int a = 0; a < 6; a++) {
                    if (random.nextInt(3) == 0) {
                        r.attribute("a" + a, "v" + random.nextInt(4));
                    }
                }
                limiter.check(r, d);
                Map<String, Boolean> refusedByLimit = new LinkedHashMap<>();
                for (int i = 0; i < d.dimensionCount(); i++) {
                    refusedByLimit.merge(d.limitName(i), !d.dimensionAllowed(i), Boolean::logicalOr);
                }
                refusedByLimit.forEach((name, refused) -> expected.get(name)[refused ? 1 : 0]++);
            }
            Map<String, LimitStats> want = new LinkedHashMap<>();
            expected.forEach((name, counts) -> want.put(name, new LimitStats(counts[0], counts[1], 0)));
            assertEquals(want, limiter.stats().limits(), "seed " + seed);
            assertTrue(want.get("c0").refused() > 0 && want.get("c0").allowed() > 0, "seed " + seed + ": " + want);
        }
    }

    @Test
    void aDecisionSharedByTwoLimitersCountsForEachExactly() {
        try (RateLimiter a = RateLimiter.create(LimiterConfig.builder().byUser("5/m").build(), new ManualClock(T0));
                RateLimiter b = RateLimiter.create(LimiterConfig.builder().byUser("7/m").build(),
                        new ManualClock(T0))) {
            Decision d = new Decision();
            for (int c = 0; c < 3 * LimitCounters.TALLY_AFTER; c++) {
                a.check("alice", null, null, d);
                b.check("alice", null, null, d);
            }
            long checks = 3L * LimitCounters.TALLY_AFTER;
            assertEquals(new LimitStats(5, checks - 5, 0), a.stats().limits().get("user"));
            assertEquals(new LimitStats(7, checks - 7, 0), b.stats().limits().get("user"));
        }
    }

    /**
     * Threads, platform and virtual, each with users of their own at 10 per minute on a clock that stands still:
     * every user is admitted exactly 10 times, so the counts are known exactly, and none may be lost to a race
     * between threads that share a stripe. There are more threads than stripes (four per core, at most 64), so
     * some threads share one.
     */
    @Test
    void concurrentChecksAreCountedExactly() throws Exception {
        int threads = 96;
        int usersPerThread = 20;
        int checksPerUser = 40;
        LimiterConfig config = LimiterConfig.builder().byUser("10/m").byTenant("100000/m")
                .limit(Limit.named("api").key("api_key").rates("100000/m", "1000000/h")).build();
        for (boolean virtual : new boolean[] {false, true}) {
            try (RateLimiter limiter = RateLimiter.create(config, new ManualClock(T0));
                    ExecutorService pool = virtual ? Executors.newVirtualThreadPerTaskExecutor()
                            : Executors.newFixedThreadPool(threads)) {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        start.await();
                        Request r = new Request();
                        Decision d = new Decision();
                        for (int c = 0; c < checksPerUser; c++) {
                            for (int u = 0; u < usersPerThread; u++) {
                                limiter.check(r.clear().user("u" + thread + "-" + u).tenant("acme")
                                        .attribute("api_key", "k" + thread), d);
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : done) {
                    f.get();
                }
                long checks = (long) threads * usersPerThread * checksPerUser;
                long admitted = (long) threads * usersPerThread * 10;
                assertEquals(Map.of("user", new LimitStats(admitted, checks - admitted, 0),
                        "tenant", new LimitStats(checks, 0, 0), "api", new LimitStats(checks, 0, 0)),
                        limiter.stats().limits(), virtual ? "virtual threads" : "platform threads");
            }
        }
    }
}
