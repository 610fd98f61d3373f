package dev.sluice.redis;

import dev.sluice.Clock;
import dev.sluice.LimiterConfig;
import dev.sluice.RateLimiter;
import dev.sluice.testkit.BackendConformanceKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The conformance kit against one standalone Redis, for every algorithm. Each scenario (a new instance of this
 * class) takes the next whole second as its base, so keys expire in real time no earlier than the scenario's
 * windows end; the scripts decide windows from the scenario's clock, which runs ahead of real time.
 */
class RedisStandaloneConformanceTest extends BackendConformanceKit {
    private static LocalRedis redis;

    private final long base = RedisTestConfigs.nextEpochSecond();

    @BeforeAll
    static void startRedis() {
        redis = LocalRedis.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected RateLimiter newLimiter(LimiterConfig config, Clock clock) {
        return RateLimiter.create(config, clock, RedisTestConfigs.backendFor(config, redis.url()));
    }

    @Override
    protected long baseEpochSeconds() {
        return base;
    }
}
