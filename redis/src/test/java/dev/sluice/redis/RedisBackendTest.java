package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.Dimension;
import dev.sluice.LimiterConfig;
import dev.sluice.ManualClock;
import dev.sluice.Rate;
import dev.sluice.RateLimiter;
import dev.sluice.redis.testing.LocalRedis;
import dev.sluice.spi.BackendProvider;
import dev.sluice.spi.Batch;
import dev.sluice.spi.Outcome;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The backend's life cycle, its discovery, the asynchronous path and the server-time option. */
class RedisBackendTest extends FlushedRedisTest {
    private static LimiterConfig.Builder config() {
        return LimiterConfig.builder().backend("redis").redisUrl(redis.url()).byUser("2/m");
    }

    @Test
    void serviceLoaderFindsTheProviderNamedRedis() {
        List<BackendProvider> providers = ServiceLoader.load(BackendProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("redis")).toList();
        assertEquals(1, providers.size());
        assertInstanceOf(RedisBackendProvider.class, providers.get(0));
    }

    @Test
    void limiterConfiguredWithBackendRedisCountsInRedis() {
        try (RateLimiter limiter = RateLimiter.create(config().build())) {
            assertEquals(1, limiter.check("alice", null, null).remaining());
            assertEquals("1", cli.string("GET", "rl:user:alice:60"));
        }
    }

    @Test
    void asynchronousCheckAnswersFromRedis() throws Exception {
        try (RateLimiter limiter = RateLimiter.create(config().build())) {
            Decision first = limiter.checkAsync("alice", null, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
            Decision second = limiter.checkAsync("alice", null, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
            Decision third = limiter.checkAsync("alice", null, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(List.of(1L, 0L), List.of(first.remaining(), second.remaining()));
            assertFalse(third.allowed());
            assertEquals(429, third.httpStatus());
        }
    }

    @Test
    void statsCountChecksAndScriptCalls() {
        try (RedisBackend backend = RedisBackend.create(config().build())) {
            Batch batch = new Batch();
            long now = System.currentTimeMillis() * 1_000_000L;
            for (int i = 0; i < 3; i++) {
                backend.evaluate(batch.begin(null, now, now).add("user", "alice", 2, 60));
            }
            assertEquals(Outcome.BLOCKED, batch.outcome(0));
            assertEquals(3L, backend.stats().get("checks"));
            assertEquals(3L, backend.stats().get("script_calls"));
            assertEquals(0L, backend.stats().get("failures"));
            assertEquals(0L, backend.stats().get("script_reloads"));
        }
    }

    @Test
    void closedBackendRefusesToEvaluate() {
        RedisBackend backend = RedisBackend.create(config().build());
        backend.close();
        backend.close();
        Batch batch = new Batch().begin(null, 0, 0).add("user", "alice", 2, 60);
        assertThrows(IllegalStateException.class, () -> backend.evaluate(batch));
        assertTrue(backend.evaluateAsync(batch).isCompletedExceptionally());
    }

    @Test
    void closedLimiterOnRedisThrowsIllegalState() {
        RateLimiter limiter = RateLimiter.create(config().build());
        limiter.close();
        assertThrows(IllegalStateException.class, () -> limiter.check("alice", null, null));
    }

    @Test
    void serverTimeOptionIgnoresTheClientsClock() {
        // The client's clock says 2001; with redis_server_time the log is scored with Redis' own time.
        ManualClock stale = ManualClock.atEpochSeconds(978_307_200L);
        double before = System.currentTimeMillis() / 1000.0;
        try (RateLimiter limiter = RateLimiter.create(config().algorithm(Algorithm.SLIDING_WINDOW)
                .redisServerTime(true).build(), stale)) {
            assertTrue(limiter.check("alice", null, null).allowed());
        }
        double score = Double.parseDouble((String) cli.list("ZRANGE", "rl:user:alice:60", "0", "0", "WITHSCORES").get(1));
        assertTrue(score >= before - 1 && score <= System.currentTimeMillis() / 1000.0 + 1, "score " + score);
    }

    @Test
    void serverTimeOptionMovesWindowsWhileTheClientsClockStandsStill() {
        ManualClock frozen = ManualClock.atEpochSeconds(978_307_200L);
        try (RateLimiter limiter = RateLimiter.create(LimiterConfig.builder().backend("redis").redisUrl(redis.url())
                .byUser("1/s").redisServerTime(true).build(), frozen)) {
            assertTrue(limiter.check("bob", null, null).allowed());
            assertFalse(limiter.check("bob", null, null).allowed());
            LocalRedis.sleep(1_100);
            assertTrue(limiter.check("bob", null, null).allowed());
        }
    }
}
