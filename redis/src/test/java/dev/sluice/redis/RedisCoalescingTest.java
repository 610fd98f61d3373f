package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.FailMode;
import dev.sluice.LimiterConfig;
import dev.sluice.RateLimiter;
import dev.sluice.redis.testing.LocalRedis;
import dev.sluice.redis.testing.RespClient;
import dev.sluice.spi.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Checks that arrive while a script call is in flight share the next call, and each still gets the decision it
 * would have got alone. A suspended Redis holds the first call in flight, so the checks submitted after it are
 * queued behind it, deterministically, and go out together when Redis resumes.
 */
class RedisCoalescingTest {
    private static final Duration LONG_TIMEOUT = Duration.ofSeconds(10);

    /** user, tenant, tool of a request. */
    private record Request(String user, String tenant, String tool) {
    }

    /** More requests than calls may be in flight, so that the last ones queue and share a call. */
    private static List<Request> requests() {
        List<Request> out = new ArrayList<>();
        for (int i = 0; i < Coalescer.MAX_IN_FLIGHT + 6; i++) {
            out.add(new Request(i % 3 == 0 ? "bob" : "alice", i % 4 == 0 ? null : "acme", i % 2 == 0 ? "search" : null));
        }
        return out;
    }

    private static LimiterConfig config(String url, Algorithm algorithm, String prefix, FailMode failMode,
            Duration timeout) {
        return LimiterConfig.builder().backend("redis").redisUrl(url).redisKeyPrefix(prefix).algorithm(algorithm)
                .byUser("3/m").byTenant("5/m").byTool("search", "4/m").failMode(failMode).redisCommandTimeout(timeout)
                .build();
    }

    private static String describe(Decision d) {
        return d.status() + " remaining=" + d.remaining();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void checksQueuedBehindACallShareOneCallAndGetTheDecisionsOfSequentialChecks(Algorithm algorithm) {
        try (LocalRedis redis = LocalRedis.start();
                RespClient cli = redis.client();
                RateLimiter sequential = RateLimiter.create(config(redis.url(), algorithm, "seq", FailMode.CLOSED,
                        LONG_TIMEOUT));
                RateLimiter coalesced = RateLimiter.create(config(redis.url(), algorithm, "co", FailMode.CLOSED,
                        LONG_TIMEOUT))) {
            List<String> expected = new ArrayList<>();
            for (Request r : requests()) {
                expected.add(describe(sequential.check(r.user(), r.tenant(), r.tool())));
            }
            cli.call("CONFIG", "RESETSTAT");
            long callsBefore = coalesced.stats().backend().get("script_calls");
            List<CompletableFuture<Decision>> pending = new ArrayList<>();
            redis.suspend();
            try {
                for (Request r : requests()) {
                    pending.add(coalesced.checkAsync(r.user(), r.tenant(), r.tool()).toCompletableFuture());
                }
            } finally {
                redis.resume();
            }
            List<String> actual = new ArrayList<>();
            for (CompletableFuture<Decision> f : pending) {
                actual.add(describe(f.join()));
            }
            assertEquals(expected, actual, "decisions, in request order");
            // One call for each of the first MAX_IN_FLIGHT requests, then one call for the 6 queued behind them.
            Map<String, Long> calls = LocalRedis.commandCalls(cli);
            assertEquals(Coalescer.MAX_IN_FLIGHT + 1L, calls.get("evalsha"), calls.toString());
            assertEquals(Coalescer.MAX_IN_FLIGHT + 1L, coalesced.stats().backend().get("script_calls") - callsBefore);
            assertEquals(requests().size(), coalesced.stats().backend().get("script_call_checks"),
                    "every check carried by exactly one call");
            assertEquals(requests().size(), coalesced.stats().backend().get("checks"));
        }
    }

    @Test
    void everyCheckOfACallThatTimesOutGetsItsFailMode() {
        Duration timeout = Duration.ofMillis(300);
        try (LocalRedis redis = LocalRedis.start();
                RateLimiter limiter = RateLimiter.create(config(redis.url(), Algorithm.FIXED_WINDOW, "rl",
                        FailMode.CLOSED, timeout))) {
            assertEquals(Outcome.ALLOWED, limiter.check("alice", null, null).status());
            List<CompletableFuture<Decision>> pending = new ArrayList<>();
            redis.suspend();
            try {
                for (Request r : requests()) {
                    pending.add(limiter.checkAsync(r.user(), r.tenant(), r.tool()).toCompletableFuture());
                }
                for (CompletableFuture<Decision> f : pending) {
                    assertEquals(Outcome.FAILED_CLOSED, f.join().status());
                }
            } finally {
                redis.resume();
            }
            assertEquals(requests().size(), limiter.stats().failedClosed());
            assertEquals(requests().size(), limiter.stats().backend().get("timeouts"));
        }
    }

    @Test
    void aKeyOfAnotherTypeFailsOnlyItsOwnCheckInASharedCall() {
        try (LocalRedis redis = LocalRedis.start();
                RespClient cli = redis.client();
                RateLimiter limiter = RateLimiter.create(config(redis.url(), Algorithm.FIXED_WINDOW, "rl",
                        FailMode.CLOSED, LONG_TIMEOUT))) {
            cli.call("HSET", "rl:user:mallory:60", "tokens", "3");
            cli.call("CONFIG", "RESETSTAT");
            List<CompletableFuture<Decision>> first = new ArrayList<>();
            CompletableFuture<Decision> bad;
            CompletableFuture<Decision> after;
            redis.suspend();
            try {
                // Take every call that may be in flight, so that mallory and bob queue behind them.
                for (int i = 0; i < Coalescer.MAX_IN_FLIGHT; i++) {
                    first.add(limiter.checkAsync("alice" + i, null, null).toCompletableFuture());
                }
                bad = limiter.checkAsync("mallory", null, null).toCompletableFuture();
                after = limiter.checkAsync("bob", null, null).toCompletableFuture();
            } finally {
                redis.resume();
            }
            for (CompletableFuture<Decision> f : first) {
                assertEquals("ALLOWED remaining=2", describe(f.join()));
            }
            assertEquals(Outcome.FAILED_CLOSED, bad.join().status());
            assertEquals("ALLOWED remaining=2", describe(after.join()));
            assertEquals(Coalescer.MAX_IN_FLIGHT + 1L, LocalRedis.commandCalls(cli).get("evalsha"),
                    "mallory and bob shared the last call");
            assertEquals(1, limiter.stats().backend().get("failures"));
        }
    }
}
