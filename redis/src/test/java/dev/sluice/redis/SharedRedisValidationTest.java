package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.LimiterConfig;
import dev.sluice.ManualClock;
import dev.sluice.RateLimiter;
import dev.sluice.redis.testing.LocalRedis;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Behaviour section 6, first scenario: three gateway instances, one user at 60 requests per minute against
 * {@code by_user: 30/m}, for two windows (on a manual clock, one request per second, round robin over the
 * instances). Sharing Redis, they admit exactly 60 and refuse 60; each on its own memory backend, each sees
 * 20 per minute and refuses nothing.
 */
class SharedRedisValidationTest {
    private static final int REQUESTS = 120;
    private static LocalRedis redis;

    @BeforeAll
    static void startRedis() {
        redis = LocalRedis.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"FIXED_WINDOW", "SLIDING_WINDOW"})
    void threeInstancesSharingRedisAdmitSixtyAndRefuseSixty(Algorithm algorithm) {
        LimiterConfig config = LimiterConfig.builder().backend("redis").redisUrl(redis.url()).algorithm(algorithm)
                .byUser("30/m").build();
        int[] allowedPerWindow = run(config, "alice-" + algorithm.configName());
        assertEquals(30, allowedPerWindow[0], "first window");
        assertEquals(30, allowedPerWindow[1], "second window");
    }

    @Test
    void threeInstancesOnTheMemoryBackendRefuseNothing() {
        LimiterConfig config = LimiterConfig.builder().backend("memory").byUser("30/m").build();
        int[] allowedPerWindow = run(config, "alice");
        assertEquals(60, allowedPerWindow[0], "first window");
        assertEquals(60, allowedPerWindow[1], "second window");
    }

    /** @return requests allowed in each of the two minutes */
    private static int[] run(LimiterConfig config, String user) {
        long baseMillis = RedisTestConfigs.nextEpochSecond() * 1000;
        ManualClock clock = new ManualClock(baseMillis * 1_000_000L);
        List<RateLimiter> instances = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                instances.add(RateLimiter.create(config, clock));
            }
            int[] allowed = new int[2];
            for (int i = 0; i < REQUESTS; i++) {
                clock.setEpochMillis(baseMillis + i * 1_000L);
                Decision d = instances.get(i % 3).check(user, null, null);
                assertEquals(true, d.limited(), () -> "no backend failure expected: " + d);
                allowed[i / 60] += d.allowed() ? 1 : 0;
            }
            return allowed;
        } finally {
            instances.forEach(RateLimiter::close);
        }
    }
}
