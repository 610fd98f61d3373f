package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.FailMode;
import dev.sluice.LimiterConfig;
import dev.sluice.RateLimiter;
import dev.sluice.redis.testing.LocalRedis;
import dev.sluice.redis.testing.RespClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code fail_mode: local} (spec sections 1 and 5, the original's {@code redis_fallback: true}) against a real
 * Redis that is killed and started again: during the outage each request is decided on the limiter's embedded
 * store with the configured limits, and once Redis answers, decisions come from Redis' own counters again,
 * which continue from where the outage found them. The server keeps an append-only file, so the restarted
 * Redis holds what the killed one had acknowledged.
 */
class RedisLocalFailModeTest {
    private static final List<String> DURABLE = List.of("--appendonly", "yes", "--appendfsync", "always");

    private static LimiterConfig config(String url, Algorithm algorithm) {
        // The original's key: redis_fallback true means fail_mode local, which is also the default.
        return LimiterConfig.fromMap(Map.of("backend", "redis", "redis_url", url, "by_user", "5/h",
                "algorithm", algorithm.configName(), "redis_fallback", true, "redis_command_timeout_ms", 1_000));
    }

    private static String describe(Decision d) {
        return d.status() + " remaining=" + d.remaining();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void limitsHoldDuringAnOutageAndRedisCountersContinueAfterIt(Algorithm algorithm) {
        try (LocalRedis redis = LocalRedis.start(DURABLE);
                RateLimiter limiter = RateLimiter.create(config(redis.url(), algorithm))) {
            assertEquals(FailMode.LOCAL, limiter.config().failMode());
            awaitRedis(limiter);
            long warmUp = limiter.stats().decidedLocally();
            assertEquals("ALLOWED remaining=4", describe(limiter.check("alice", null, null)));
            assertEquals("ALLOWED remaining=3", describe(limiter.check("alice", null, null)));
            assertEquals(warmUp, limiter.stats().decidedLocally(), "decided by Redis");

            redis.stop();
            List<String> duringOutage = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                duringOutage.add(describe(limiter.check("alice", null, null)));
            }
            // The embedded store's counters are its own: it starts from nothing, not from Redis' two.
            assertEquals(List.of("ALLOWED remaining=4", "ALLOWED remaining=3", "ALLOWED remaining=2",
                    "ALLOWED remaining=1", "ALLOWED remaining=0", "BLOCKED remaining=0"), duringOutage);
            assertEquals(warmUp + 6, limiter.stats().decidedLocally());
            assertEquals(List.of(0L, 0L), List.of(limiter.stats().failedOpen(), limiter.stats().failedClosed()));

            redis.restart();
            awaitRedis(limiter);
            long localBefore = limiter.stats().decidedLocally();
            // Redis counted two before the outage: this is its third, although the local store is exhausted.
            assertEquals("ALLOWED remaining=2", describe(limiter.check("alice", null, null)));
            assertEquals(localBefore, limiter.stats().decidedLocally(), "decided by Redis");
            if (algorithm == Algorithm.FIXED_WINDOW) {
                try (RespClient cli = redis.client()) {
                    assertEquals("3", cli.string("GET", "rl:user:alice:3600"));
                }
            }
        }
    }

    @Test
    void redisThatStopsAnsweringIsReplacedByTheLocalStoreWithinTheCommandTimeout() {
        try (LocalRedis redis = LocalRedis.start();
                RateLimiter limiter = RateLimiter.create(config(redis.url(), Algorithm.FIXED_WINDOW))) {
            awaitRedis(limiter);
            long warmUp = limiter.stats().decidedLocally();
            assertEquals("ALLOWED remaining=4", describe(limiter.check("alice", null, null)));
            assertEquals(warmUp, limiter.stats().decidedLocally(), "decided by Redis");
            long timeoutsBefore = limiter.stats().backend().get("timeouts");
            redis.suspend();
            List<String> duringOutage = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    duringOutage.add(describe(limiter.check("alice", null, null)));
                }
            } finally {
                redis.resume();
            }
            assertEquals(List.of("ALLOWED remaining=4", "ALLOWED remaining=3", "ALLOWED remaining=2",
                    "ALLOWED remaining=1", "ALLOWED remaining=0", "BLOCKED remaining=0"), duringOutage);
            assertEquals(warmUp + 6, limiter.stats().decidedLocally());
            assertEquals(6, limiter.stats().backend().get("timeouts") - timeoutsBefore, limiter.stats().toString());
        }
    }

    /**
     * Checks another user until Redis decides it (the local count stops growing): after a start, the first calls
     * of a cold client may miss the command timeout on a busy machine. Fails after a generous bound.
     */
    private static void awaitRedis(RateLimiter limiter) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            long local = limiter.stats().decidedLocally();
            Decision d = limiter.check("probe", null, null);
            assertTrue(d.limited(), d::toString);
            if (limiter.stats().decidedLocally() == local) {
                return;
            }
            LocalRedis.sleep(100);
        }
        throw new AssertionError("Redis did not answer again within 20 s: " + limiter.stats());
    }
}
