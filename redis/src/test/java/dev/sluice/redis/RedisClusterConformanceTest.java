package dev.sluice.redis;

import dev.sluice.Clock;
import dev.sluice.LimiterConfig;
import dev.sluice.RateLimiter;
import dev.sluice.redis.testing.LocalRedisCluster;
import dev.sluice.redis.testing.RedisServerBinary;
import dev.sluice.testkit.BackendConformanceKit;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;

/**
 * The conformance kit against a three-master Redis Cluster, for every algorithm. A request's keys usually hash
 * to different slots on different masters, so this runs the per-slot split on every multi-dimension scenario.
 * Runs once for every version {@link RedisServerBinary#versions()} finds.
 */
@EveryRedisVersion
class RedisClusterConformanceTest extends BackendConformanceKit {
    private static LocalRedisCluster cluster;

    /** The run's server; injected as a field so that the run's start-up method receives it too. */
    @Parameter
    RedisServerBinary server;

    private final long base = RedisTestConfigs.nextEpochSecond();

    @BeforeParameterizedClassInvocation
    static void startCluster(RedisServerBinary server) {
        cluster = LocalRedisCluster.start(server);
    }

    @AfterParameterizedClassInvocation
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
