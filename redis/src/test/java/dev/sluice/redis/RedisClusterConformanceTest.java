package dev.sluice.redis;

import dev.sluice.Clock;
import dev.sluice.LimiterConfig;
import dev.sluice.RateLimiter;
import dev.sluice.testkit.BackendConformanceKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The conformance kit against a three-master Redis Cluster, for every algorithm. A request's keys usually hash
 * to different slots on different masters, so this runs the per-slot split on every multi-dimension scenario.
 */
class RedisClusterConformanceTest extends BackendConformanceKit {
    private static LocalRedisCluster cluster;

    private final long base = RedisTestConfigs.nextEpochSecond();

    @BeforeAll
    static void startCluster() {
        cluster = LocalRedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Override
    protected RateLimiter newLimiter(LimiterConfig config, Clock clock) {
        return RateLimiter.create(config, clock, RedisTestConfigs.backendFor(config, cluster.url()));
    }

    @Override
    protected long baseEpochSeconds() {
        return base;
    }
}
