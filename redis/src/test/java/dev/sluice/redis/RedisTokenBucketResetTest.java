package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.Dimension;
import dev.sluice.LimiterConfig;
import dev.sluice.ManualClock;
import dev.sluice.Rate;
import dev.sluice.RateLimiter;
import dev.sluice.spi.Batch;
import dev.sluice.spi.Outcome;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Behaviour section 4: a refused token bucket resets when its next token arrives, the moment its retry-after
 * names, not when it is full again.
 */
class RedisTokenBucketResetTest extends FlushedRedisTest {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private static LimiterConfig.Builder config() {
        return LimiterConfig.builder().backend("redis").redisUrl(redis.url()).algorithm(Algorithm.TOKEN_BUCKET)
                .redisCommandTimeout(Duration.ofSeconds(10));
    }

    /** The specification's example: 30/m, 31 requests at t = 1000, the 31st gets Retry-After 2 and Reset 1002. */
    @Test
    void thirtyFirstRequestAtOnceResetsWhenTheNextTokenArrives() {
        long t = RedisTestConfigs.nextEpochSecond();
        try (RateLimiter limiter = RateLimiter.create(config().byUser("30/m").build(), ManualClock.atEpochSeconds(t))) {
            for (int i = 0; i < 30; i++) {
                assertTrue(limiter.check("alice", null, null).allowed(), "request " + i);
            }
            Decision refused = limiter.check("alice", null, null);
            assertFalse(refused.allowed());
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("X-RateLimit-Limit", "30");
            expected.put("X-RateLimit-Remaining", "0");
            expected.put("X-RateLimit-Reset", Long.toString(t + 2));
            expected.put("Retry-After", "2");
            assertEquals(expected, refused.headers());
            assertEquals(t + 2, refused.dimensions().get(0).resetEpochSeconds());
        }
    }

    /** A bucket refused part-way to its next token: reset and retry-after are the same instant, to the nanosecond. */
    @Test
    void refusedCheckReportsTheNextTokensArrivalAsItsReset() {
        long t = RedisTestConfigs.nextEpochSecond() * NANOS_PER_SECOND;
        try (RedisBackend backend = RedisBackend.create(config().build())) {
            Batch batch = new Batch();
            Rate twoPerMinute = Rate.of(2, 60);
            for (long at : new long[] {t, t + 10 * NANOS_PER_SECOND}) {
                backend.evaluate(batch.begin(null, at, at).add("user", "bob", twoPerMinute.count(), twoPerMinute.windowSeconds()));
                assertEquals(Outcome.ALLOWED, batch.outcome(0));
            }
            long at = t + 12 * NANOS_PER_SECOND;
            backend.evaluate(batch.begin(null, at, at).add("user", "bob", twoPerMinute.count(), twoPerMinute.windowSeconds()));
            assertEquals(Outcome.BLOCKED, batch.outcome(0));
            // 30 s per token, 10 s of credit left at 10 s, 12 s at 12 s: the next token is 18 s away.
            assertEquals(18 * NANOS_PER_SECOND, batch.retryAfterNanos(0));
            assertEquals(18 * NANOS_PER_SECOND, batch.resetAfterNanos(0));
        }
    }
}
